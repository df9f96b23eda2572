import type { Money } from '../money.ts';
import type { UsageType, UsageUnit } from '../usage/usage-type.ts';

export type RecurringLine = {
  kind: 'recurring';
  subscriptionId: string;
  planId: string;
  planVersion: number;
  description: string;
  monthlyPrice: Money;
  activeDays: number;
  periodDays: number;
  /** monthlyPrice × activeDays / periodDays, rounded once half up. */
  amount: Money;
};

export type UsageLine = {
  kind: 'usage';
  subscriptionId: string;
  usageType: UsageType;
  description: string;
  records: number;
  quantity: number;
  unit: UsageUnit;
  /** Each record already rounded once; no further rounding. */
  amount: Money;
};

export type InvoiceLine = RecurringLine | UsageLine;
