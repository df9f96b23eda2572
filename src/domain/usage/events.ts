import type { DomainEventOf } from '../event.ts';
import type { Money } from '../money.ts';
import type { TariffUnit } from './rating.ts';
import type { UsageType, UsageUnit } from './usage-type.ts';

type UsageRecordData = {
  recordId: string;
  subscriptionId: string;
  customerId: string;
  usageType: UsageType;
  quantity: number;
  unit: UsageUnit;
  startedAt: string;
  at: string;
};

export type UsageRatedData = UsageRecordData & {
  planId: string;
  planVersion: number;
  tariff: Money;
  tariffUnit: TariffUnit;
  amount: Money;
};

export type UsageRejectionReason = { code: 'SUBSCRIPTION_NOT_ACTIVE'; message: string };

export type UsageRejectedData = UsageRecordData & { reason: UsageRejectionReason };

export type UsageRated = DomainEventOf<'usage.rated', UsageRatedData>;
export type UsageRejected = DomainEventOf<'usage.rejected', UsageRejectedData>;

export type UsageEvent = UsageRated | UsageRejected;
