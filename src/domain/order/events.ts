import type { DomainEventOf } from '../event.ts';
import type { CurrencyCode, Money } from '../money.ts';
import type { SubscriptionActivated } from '../subscription/events.ts';

/** The price quoted at order time is for display; bills use the catalog. */
export type OrderItem = { planId: string; planName: string; planVersion: number; monthlyPrice: Money };

export type OrderPlaced = DomainEventOf<
  'order.placed',
  { orderId: string; customerId: string; items: OrderItem[]; currency: CurrencyCode; monthlyTotal: Money; at: string }
>;

export type OrderApproved = DomainEventOf<'order.approved', { orderId: string; customerId: string; at: string }>;

export type OrderRejected = DomainEventOf<
  'order.rejected',
  { orderId: string; customerId: string; reason: string; at: string }
>;

export type OrderCompleted = DomainEventOf<
  'order.completed',
  { orderId: string; customerId: string; subscriptionIds: string[]; at: string }
>;

export type OrderCancelled = DomainEventOf<
  'order.cancelled',
  { orderId: string; customerId: string; reason: string | null; at: string }
>;

export type OrderEvent = OrderPlaced | OrderApproved | OrderRejected | OrderCompleted | OrderCancelled;

export type OrderDecision = OrderEvent | SubscriptionActivated;
