import { subscription } from '../../domain/index.ts';
import type { CommandBus } from './command-bus.ts';
import { expectVersion, type ExpectedVersion } from './expect-version.ts';
import type { Clock } from '../clock.ts';

export interface SubscriptionCommands {
  suspend(subscriptionId: string, reason?: string, expectedVersion?: ExpectedVersion): Promise<void>;
  resume(subscriptionId: string, expectedVersion?: ExpectedVersion): Promise<void>;
  cancel(subscriptionId: string, reason?: string, expectedVersion?: ExpectedVersion): Promise<void>;
}

export function subscriptionCommands(bus: CommandBus, clock: Clock): SubscriptionCommands {
  const decide = async (
    subscriptionId: string,
    expectedVersion: ExpectedVersion | undefined,
    command: (at: string) => subscription.SubscriptionCommand,
  ) => {
    await bus.run(
      async (uow) => {
        const { state, version } = await uow.load<subscription.Subscription>('subscription', subscriptionId);
        if (state !== null) expectVersion('subscription', version, expectedVersion);
        return { events: subscription.decide(command(clock()), state), result: undefined };
      },
      { prefetch: [{ kind: 'subscription', ids: [subscriptionId] }] },
    );
  };

  return {
    suspend: (subscriptionId, reason, expected) =>
      decide(subscriptionId, expected, (at) => ({
        type: 'SuspendSubscription',
        subscriptionId,
        ...(reason ? { reason } : {}),
        at,
      })),
    resume: (subscriptionId, expected) =>
      decide(subscriptionId, expected, (at) => ({ type: 'ResumeSubscription', subscriptionId, at })),
    cancel: (subscriptionId, reason, expected) =>
      decide(subscriptionId, expected, (at) => ({
        type: 'CancelSubscription',
        subscriptionId,
        ...(reason ? { reason } : {}),
        at,
      })),
  };
}
