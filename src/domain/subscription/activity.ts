import { toMillis } from '../time.ts';
import type { ActivePeriod, Subscription } from './state.ts';

/** Whether the subscription was ACTIVE at the instant (epoch ms). */
export function wasActiveAt(subscription: Subscription, ms: number): boolean {
  return subscription.activePeriods.some((p) => overlaps(p, ms, ms + 1));
}

/** Whether an active period overlaps the half-open interval [fromMs, toMs). */
export function overlaps(period: ActivePeriod, fromMs: number, toMs: number): boolean {
  return toMillis(period.from) < toMs && (period.to === null || toMillis(period.to) > fromMs);
}
