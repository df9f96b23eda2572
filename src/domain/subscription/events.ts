import type { DomainEventOf } from '../event.ts';

export type SubscriptionActivated = DomainEventOf<
  'subscription.activated',
  { subscriptionId: string; customerId: string; orderId: string; planId: string; at: string }
>;

export type SubscriptionSuspended = DomainEventOf<
  'subscription.suspended',
  { subscriptionId: string; customerId: string; reason: string | null; at: string }
>;

export type SubscriptionResumed = DomainEventOf<
  'subscription.resumed',
  { subscriptionId: string; customerId: string; at: string }
>;

export type SubscriptionCancelled = DomainEventOf<
  'subscription.cancelled',
  { subscriptionId: string; customerId: string; reason: string | null; at: string }
>;

export type SubscriptionEvent =
  SubscriptionActivated | SubscriptionSuspended | SubscriptionResumed | SubscriptionCancelled;
