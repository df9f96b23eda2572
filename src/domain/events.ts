import type { CustomerEvent } from './customer/events.ts';
import { assertNever } from './event.ts';
import type { InvoiceEvent } from './invoice/events.ts';
import type { OrderEvent } from './order/events.ts';
import type { PaymentEvent } from './payment/events.ts';
import type { SubscriptionEvent } from './subscription/events.ts';
import type { UsageEvent } from './usage/events.ts';

export type DomainEvent = CustomerEvent | OrderEvent | SubscriptionEvent | UsageEvent | InvoiceEvent | PaymentEvent;

export type DomainEventType = DomainEvent['type'];

export const DOMAIN_EVENT_TYPES = [
  'customer.created',
  'customer.contactUpdated',
  'customer.suspended',
  'customer.resumed',
  'customer.terminated',
  'order.placed',
  'order.approved',
  'order.rejected',
  'order.completed',
  'order.cancelled',
  'subscription.activated',
  'subscription.suspended',
  'subscription.resumed',
  'subscription.cancelled',
  'usage.rated',
  'usage.rejected',
  'invoice.issued',
  'invoice.paid',
  'invoice.overdue',
  'invoice.cancelled',
  'payment.authorized',
  'payment.captured',
  'payment.failed',
  'payment.refunded',
  'payment.applied',
] as const satisfies readonly DomainEventType[];

// The list above names every event type (the `satisfies` checks the other direction).
type Unlisted = Exclude<DomainEventType, (typeof DOMAIN_EVENT_TYPES)[number]>;
const everyTypeListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyTypeListed;

export function isDomainEventType(type: unknown): type is DomainEventType {
  return typeof type === 'string' && (DOMAIN_EVENT_TYPES as readonly string[]).includes(type);
}

export type AggregateType = 'customer' | 'order' | 'subscription' | 'usage' | 'invoice' | 'payment';

export type AggregateRef = { type: AggregateType; id: string };

/** Owner first; payment.applied also changes the invoice. Read models and cache invalidation rely on it. */
export function aggregatesOf(event: DomainEvent): AggregateRef[] {
  switch (event.type) {
    case 'customer.created':
    case 'customer.contactUpdated':
    case 'customer.suspended':
    case 'customer.resumed':
    case 'customer.terminated':
      return [{ type: 'customer', id: event.data.customerId }];
    case 'order.placed':
    case 'order.approved':
    case 'order.rejected':
    case 'order.completed':
    case 'order.cancelled':
      return [{ type: 'order', id: event.data.orderId }];
    case 'subscription.activated':
    case 'subscription.suspended':
    case 'subscription.resumed':
    case 'subscription.cancelled':
      return [{ type: 'subscription', id: event.data.subscriptionId }];
    case 'usage.rated':
    case 'usage.rejected':
      return [{ type: 'usage', id: event.data.recordId }];
    case 'invoice.issued':
    case 'invoice.paid':
    case 'invoice.overdue':
    case 'invoice.cancelled':
      return [{ type: 'invoice', id: event.data.invoiceId }];
    case 'payment.applied':
      return [
        { type: 'payment', id: event.data.paymentId },
        { type: 'invoice', id: event.data.invoiceId },
      ];
    case 'payment.authorized':
    case 'payment.captured':
    case 'payment.failed':
    case 'payment.refunded':
      return [{ type: 'payment', id: event.data.paymentId }];
    default:
      return assertNever(event);
  }
}
