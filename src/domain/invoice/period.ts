// One month of UTC days, half-open like plan validity; `from` is on day 1..28 so "the same day next month" exists.

import { invalid } from '../rejection.ts';
import { MS_PER_DAY, parseDate } from '../time.ts';

export type BillingPeriod = { from: string; to: string };

export type PeriodDays = { fromDay: number; toDay: number; days: number };

export function requirePeriod(period: unknown, field = 'period'): PeriodDays {
  const p = (typeof period === 'object' && period !== null ? period : {}) as Partial<Record<'from' | 'to', unknown>>;
  const fromDay = parseDate(p.from);
  if (fromDay === undefined) throw invalid('INVALID_PERIOD', 'period.from must be a date YYYY-MM-DD', `${field}.from`);
  const toDay = parseDate(p.to);
  if (toDay === undefined) throw invalid('INVALID_PERIOD', 'period.to must be a date YYYY-MM-DD', `${field}.to`);
  const from = new Date(fromDay * MS_PER_DAY);
  if (from.getUTCDate() > 28) {
    throw invalid('INVALID_PERIOD', 'a billing period starts on day 1..28 of a month', `${field}.from`);
  }
  const expectedTo = Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, from.getUTCDate()) / MS_PER_DAY;
  if (toDay !== expectedTo) {
    throw invalid(
      'INVALID_PERIOD',
      'a billing period is one month: to = the same day of the next month',
      `${field}.to`,
    );
  }
  return { fromDay, toDay, days: toDay - fromDay };
}
