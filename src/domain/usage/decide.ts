import { requirePlanVersionAt } from '../catalog/plan-version-at.ts';
import { invalid, missing } from '../rejection.ts';
import { wasActiveAt } from '../subscription/activity.ts';
import type { Subscription } from '../subscription/state.ts';
import { requireDateTime, toMillis } from '../time.ts';
import { requirePositiveInteger, requireText } from '../validate.ts';
import type { UsageCommand } from './commands.ts';
import type { UsageContext } from './context.ts';
import type { UsageEvent } from './events.ts';
import { rate } from './rating.ts';
import type { UsageState } from './state.ts';
import { USAGE_UNITS, isUsageType } from './usage-type.ts';

// A repeated recordId yields nothing (mediation retries); a subscription not ACTIVE at startedAt, judged from
// its history, yields usage.rejected, so a call made before a suspension but delivered after it is still rated.
export function decide(command: UsageCommand, state: UsageState, context: UsageContext): UsageEvent[] {
  const recordId = requireText(command.recordId, 'recordId');
  if (state !== null) return [];

  const subscriptionId = requireText(command.subscriptionId, 'subscriptionId');
  const atMs = requireDateTime(command.at, 'at');
  const startedAtMs = requireDateTime(command.startedAt, 'startedAt');
  if (!isUsageType(command.usageType)) {
    throw invalid('INVALID_USAGE_TYPE', 'usageType must be voice, sms or data', 'usageType');
  }
  const quantity = requirePositiveInteger(command.quantity, 'quantity');
  if (startedAtMs > atMs) throw invalid('USAGE_IN_FUTURE', 'startedAt is after the ingestion time', 'startedAt');
  const subscription = requireSubscription(context, subscriptionId);

  const { usageType, startedAt, at } = command;
  const base = {
    recordId,
    subscriptionId,
    customerId: subscription.customerId,
    usageType,
    quantity,
    unit: USAGE_UNITS[usageType],
    startedAt,
  };
  if (!wasActiveAt(subscription, startedAtMs)) {
    const reason = { code: 'SUBSCRIPTION_NOT_ACTIVE' as const, message: inactiveMessage(subscription, startedAtMs) };
    return [{ type: 'usage.rejected', data: { ...base, reason, at } }];
  }
  const { version } = requirePlanVersionAt(context.catalog, subscription.planId, startedAt, 'startedAt');
  const rating = rate(usageType, quantity, version.tariffs);
  return [
    {
      type: 'usage.rated',
      data: { ...base, planId: subscription.planId, planVersion: version.version, ...rating, at },
    },
  ];
}

function requireSubscription(context: UsageContext, subscriptionId: string): Subscription {
  const { subscription } = context;
  if (subscription === null) {
    // Without a subscription there is no customer to record the rejection against.
    throw missing('SUBSCRIPTION_NOT_FOUND', `subscription ${subscriptionId} does not exist`, 'subscriptionId');
  }
  if (subscription.subscriptionId !== subscriptionId) {
    throw invalid(
      'SUBSCRIPTION_MISMATCH',
      `context holds subscription ${subscription.subscriptionId}`,
      'subscriptionId',
    );
  }
  return subscription;
}

function inactiveMessage(subscription: Subscription, startedAtMs: number): string {
  const first = subscription.activePeriods[0];
  if (first === undefined || startedAtMs < toMillis(first.from))
    return 'usage started before the subscription was activated';
  if (subscription.cancelledAt !== null && startedAtMs >= toMillis(subscription.cancelledAt)) {
    return 'usage started after the subscription was cancelled';
  }
  return 'usage started while the subscription was suspended';
}
