// A billing period is one month of UTC calendar days, half-open like plan
// validity: { from: '2025-03-01', to: '2025-04-01' } is March. Anniversary
// cycles work too ({ from: '2025-03-15', to: '2025-04-15' }); `from` is on day
// 1..28 so that "the same day next month" always exists.

import { invalid } from '../rejection.ts';
import { MS_PER_DAY, parseDate } from '../time.ts';

export type BillingPeriod = { from: string; to: string };

/** The period as UTC day numbers [fromDay, toDay) and its length in days (28..31). */
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
