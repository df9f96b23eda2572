// Plans are versioned with validity dates, so a price change keeps past rating and billing exact. Tariffs are
// minor units per stated unit (minute, message, MB = 1024 KB); usage is billed per second/message/KB, rounded once.

import type { CurrencyCode, Money } from '../money.ts';

export type Tariffs = {
  voicePerMinute: Money;
  smsPerMessage: Money;
  dataPerMb: Money;
};

export type PlanVersion = {
  version: number;
  validFrom: string;
  /** Exclusive; null = open-ended. */
  validTo: string | null;
  currency: CurrencyCode;
  monthlyPrice: Money;
  tariffs: Tariffs;
};

export type Plan = {
  planId: string;
  name: string;
  description: string;
  /** Ordered by validFrom, non-overlapping (validatePlan). */
  versions: PlanVersion[];
};

export type Catalog = readonly Plan[];
