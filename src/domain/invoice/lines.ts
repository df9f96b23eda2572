import type { Money } from '../money.ts';
import type { UsageType, UsageUnit } from '../usage/usage-type.ts';

/** The monthly fee of one subscription under one plan version, pro-rated by active days. */
export type RecurringLine = {
  kind: 'recurring';
  subscriptionId: string;
  planId: string;
  planVersion: number;
  description: string;
  monthlyPrice: Money;
  /** Days in the period the subscription was active under this plan version. */
  activeDays: number;
  periodDays: number;
  /** monthlyPrice × activeDays / periodDays, rounded once half up. */
  amount: Money;
};

/** Rated usage of one subscription and one usage type, summed. */
export type UsageLine = {
  kind: 'usage';
  subscriptionId: string;
  usageType: UsageType;
  description: string;
  records: number;
  quantity: number;
  unit: UsageUnit;
  /** Sum of the records' rated amounts (each already rounded once; no further rounding). */
  amount: Money;
};

export type InvoiceLine = RecurringLine | UsageLine;
