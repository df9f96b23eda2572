// amount = monthlyPrice × activeDays / periodDays, exact, rounded once half up. A UTC day is active if the
// subscription was ACTIVE at any moment of it (activation and cancellation days are billed) and is priced
// with the version in force at 00:00 UTC, so a price change gives two lines; a full period pays the monthly price.

import { planVersionAt } from '../catalog/plan-version-at.ts';
import type { Plan, PlanVersion } from '../catalog/plan.ts';
import { invalid } from '../rejection.ts';
import { mulDivRoundHalfUp } from '../rounding.ts';
import { overlaps } from '../subscription/activity.ts';
import type { Subscription } from '../subscription/state.ts';
import { MS_PER_DAY, startOfDayIso } from '../time.ts';
import type { RecurringLine } from './lines.ts';
import type { PeriodDays } from './period.ts';

export function activeDaysByVersion(
  subscription: Subscription,
  plan: Plan,
  period: PeriodDays,
): Map<PlanVersion, number> {
  const days = new Map<PlanVersion, number>();
  for (let day = period.fromDay; day < period.toDay; day++) {
    const start = day * MS_PER_DAY;
    if (!subscription.activePeriods.some((p) => overlaps(p, start, start + MS_PER_DAY))) continue;
    const version = planVersionAt(plan, startOfDayIso(day));
    if (version === undefined) {
      throw invalid(
        'PLAN_NOT_AVAILABLE',
        `plan ${plan.planId} has no price on ${startOfDayIso(day)}`,
        'subscriptions',
        {
          subscriptionId: subscription.subscriptionId,
        },
      );
    }
    days.set(version, (days.get(version) ?? 0) + 1);
  }
  return days;
}

export function recurringLines(subscription: Subscription, plan: Plan, period: PeriodDays): RecurringLine[] {
  return [...activeDaysByVersion(subscription, plan, period)].map(([version, activeDays]) => ({
    kind: 'recurring',
    subscriptionId: subscription.subscriptionId,
    planId: plan.planId,
    planVersion: version.version,
    description: `${plan.name} monthly fee, ${activeDays}/${period.days} days`,
    monthlyPrice: version.monthlyPrice,
    activeDays,
    periodDays: period.days,
    amount: {
      amount: mulDivRoundHalfUp(version.monthlyPrice.amount, activeDays, period.days),
      currency: version.monthlyPrice.currency,
    },
  }));
}
