import { toMillis } from '../time.ts';
import type { ActivePeriod, Subscription } from './state.ts';

export function wasActiveAt(subscription: Subscription, ms: number): boolean {
  return subscription.activePeriods.some((p) => overlaps(p, ms, ms + 1));
}

export function overlaps(period: ActivePeriod, fromMs: number, toMs: number): boolean {
  return toMillis(period.from) < toMs && (period.to === null || toMillis(period.to) > fromMs);
}
