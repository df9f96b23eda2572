import { assertNever } from '../event.ts';
import { invalidTransition, missing } from '../rejection.ts';
import { requireDateTime, requireNotBefore } from '../time.ts';
import { optionalText, requireText } from '../validate.ts';
import type { SubscriptionCommand } from './commands.ts';
import type { SubscriptionEvent } from './events.ts';
import type { SubscriptionState } from './state.ts';

export function decide(command: SubscriptionCommand, state: SubscriptionState): SubscriptionEvent[] {
  const subscriptionId = requireText(command.subscriptionId, 'subscriptionId');
  const atMs = requireDateTime(command.at, 'at');
  if (state === null) {
    throw missing('SUBSCRIPTION_NOT_FOUND', `subscription ${subscriptionId} does not exist`, 'subscriptionId');
  }
  // A change dated before the previous one would end an activity period before it starts.
  requireNotBefore(atMs, state.updatedAt);
  const { customerId } = state;
  const at = command.at;

  switch (command.type) {
    case 'SuspendSubscription':
      if (state.status !== 'ACTIVE') throw invalidTransition('subscription', state.status, 'suspend');
      return [
        {
          type: 'subscription.suspended',
          data: { subscriptionId, customerId, reason: optionalText(command.reason, 'reason'), at },
        },
      ];
    case 'ResumeSubscription':
      if (state.status !== 'SUSPENDED') throw invalidTransition('subscription', state.status, 'resume');
      return [{ type: 'subscription.resumed', data: { subscriptionId, customerId, at } }];
    case 'CancelSubscription':
      if (state.status === 'CANCELLED') throw invalidTransition('subscription', state.status, 'cancel');
      return [
        {
          type: 'subscription.cancelled',
          data: { subscriptionId, customerId, reason: optionalText(command.reason, 'reason'), at },
        },
      ];
    default:
      return assertNever(command);
  }
}
