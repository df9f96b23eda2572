// The product catalog: plans with a monthly recurring price and usage tariffs,
// versioned with validity dates so that a price change on a date keeps rating
// and billing of the past exact.
//
// Tariffs are integer minor units per a STATED unit; usage is billed in a finer
// unit and the line is rounded once (half up, see rounding.ts):
//   voicePerMinute  price of one minute, billed per second  -> price × seconds / 60
//   smsPerMessage   price of one message                    -> price × messages
//   dataPerMb       price of one megabyte (1 MB = 1024 KB), billed per kilobyte
//                                                           -> price × kilobytes / 1024

import type { CurrencyCode, Money } from '../money.ts';

export type Tariffs = {
  voicePerMinute: Money;
  smsPerMessage: Money;
  dataPerMb: Money;
};

export type PlanVersion = {
  version: number;
  /** Inclusive ISO date-time. */
  validFrom: string;
  /** Exclusive ISO date-time; null = open-ended. */
  validTo: string | null;
  currency: CurrencyCode;
  monthlyPrice: Money;
  tariffs: Tariffs;
};

export type Plan = {
  planId: string;
  name: string;
  description: string;
  /** Ordered by validFrom, non-overlapping (see validatePlan). */
  versions: PlanVersion[];
};

/** The catalog as decide functions receive it: plain data, no lookups. */
export type Catalog = readonly Plan[];
