import { Type } from 'typebox';
import { DateTime, Id, Nullable } from '../../events/schemas.ts';

export const SubscriptionStatus = Type.Enum(['ACTIVE', 'SUSPENDED', 'CANCELLED'], { title: 'SubscriptionStatus' });

export const Subscription = Type.Object(
  {
    subscriptionId: Id,
    customerId: Id,
    orderId: Id,
    planId: Id,
    status: SubscriptionStatus,
    activatedAt: DateTime,
    cancelledAt: Nullable(DateTime),
    activePeriods: Type.Array(Type.Object({ from: DateTime, to: Nullable(DateTime) }), {
      description: 'stretches of time the subscription was ACTIVE, [from, to); to = null while it lasts',
    }),
    updatedAt: DateTime,
  },
  { title: 'Subscription' },
);
