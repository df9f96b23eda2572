import type { UsageType } from './usage-type.ts';

/**
 * One usage record (CDR) from mediation. `quantity` counts the unit of its type:
 * voice seconds, SMS messages, data kilobytes. `at` is when it is ingested.
 */
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
