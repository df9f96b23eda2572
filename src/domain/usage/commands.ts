import type { UsageType } from './usage-type.ts';

/** `quantity`: voice seconds, SMS messages or data kilobytes. */
export type IngestUsage = {
  type: 'IngestUsage';
  recordId: string;
  subscriptionId: string;
  usageType: UsageType;
  quantity: number;
  startedAt: string;
  at: string;
};

export type UsageCommand = IngestUsage;
