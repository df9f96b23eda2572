// Time travel is this fold over the log up to T; the live read model must equal the fold up to now.

import { evolveBalance, initialBalance, type CustomerBalance } from './balance.ts';
import { evolve as evolveCustomer } from './customer/evolve.ts';
import type { CustomerState } from './customer/state.ts';
import { assertNever } from './event.ts';
import type { DomainEvent } from './events.ts';
import { evolve as evolveInvoice, type InvoiceFoldEvent } from './invoice/evolve.ts';
import type { Invoice } from './invoice/state.ts';
import { add, type Money } from './money.ts';
import type { OrderEvent } from './order/events.ts';
import { evolve as evolveOrder } from './order/evolve.ts';
import type { Order } from './order/state.ts';
import type { PaymentEvent } from './payment/events.ts';
import { evolve as evolvePayment } from './payment/evolve.ts';
import type { Payment } from './payment/state.ts';
import type { SubscriptionEvent } from './subscription/events.ts';
import { evolve as evolveSubscription } from './subscription/evolve.ts';
import type { Subscription } from './subscription/state.ts';
import type { UsageEvent } from './usage/events.ts';

/** Single records live in their own read model (there can be millions). */
export type UsageSummary = { ratedRecords: number; rejectedRecords: number; ratedAmount: Money | null };

export type CustomerView = {
  customerId: string;
  customer: CustomerState;
  orders: Record<string, Order>;
  subscriptions: Record<string, Subscription>;
  invoices: Record<string, Invoice>;
  payments: Record<string, Payment>;
  usage: Record<string, UsageSummary>;
  balance: CustomerBalance;
  asOf: string | null;
};

export function initialCustomerView(customerId: string): CustomerView {
  return {
    customerId,
    customer: null,
    orders: {},
    subscriptions: {},
    invoices: {},
    payments: {},
    usage: {},
    balance: initialBalance(customerId),
    asOf: null,
  };
}

export function evolveCustomerView(view: CustomerView, event: DomainEvent): CustomerView {
  if (event.data.customerId !== view.customerId) return view;
  return { ...applyEvent(view, event), balance: evolveBalance(view.balance, event), asOf: event.data.at };
}

export function foldCustomerView(customerId: string, events: Iterable<DomainEvent>): CustomerView {
  let view = initialCustomerView(customerId);
  for (const event of events) view = evolveCustomerView(view, event);
  return view;
}

function applyEvent(view: CustomerView, event: DomainEvent): CustomerView {
  switch (event.type) {
    case 'customer.created':
    case 'customer.contactUpdated':
    case 'customer.suspended':
    case 'customer.resumed':
    case 'customer.terminated':
      return { ...view, customer: evolveCustomer(view.customer, event) };
    case 'order.placed':
    case 'order.approved':
    case 'order.rejected':
    case 'order.completed':
    case 'order.cancelled':
      return { ...view, orders: applyOrder(view.orders, event) };
    case 'subscription.activated':
    case 'subscription.suspended':
    case 'subscription.resumed':
    case 'subscription.cancelled':
      return { ...view, subscriptions: applySubscription(view.subscriptions, event) };
    case 'usage.rated':
    case 'usage.rejected':
      return { ...view, usage: applyUsage(view.usage, event) };
    case 'invoice.issued':
    case 'invoice.paid':
    case 'invoice.overdue':
    case 'invoice.cancelled':
      return { ...view, invoices: applyInvoice(view.invoices, event) };
    case 'payment.applied':
      return { ...view, payments: applyPayment(view.payments, event), invoices: applyInvoice(view.invoices, event) };
    case 'payment.authorized':
    case 'payment.captured':
    case 'payment.failed':
    case 'payment.refunded':
      return { ...view, payments: applyPayment(view.payments, event) };
    default:
      return assertNever(event);
  }
}

function put<T>(entries: Record<string, T>, id: string, next: T | null): Record<string, T> {
  return next === null ? entries : { ...entries, [id]: next };
}

function applyOrder(orders: Record<string, Order>, event: OrderEvent): Record<string, Order> {
  const id = event.data.orderId;
  return put(orders, id, evolveOrder(orders[id] ?? null, event));
}

function applySubscription(
  subscriptions: Record<string, Subscription>,
  event: SubscriptionEvent,
): Record<string, Subscription> {
  const id = event.data.subscriptionId;
  return put(subscriptions, id, evolveSubscription(subscriptions[id] ?? null, event));
}

function applyInvoice(invoices: Record<string, Invoice>, event: InvoiceFoldEvent): Record<string, Invoice> {
  const id = event.data.invoiceId;
  return put(invoices, id, evolveInvoice(invoices[id] ?? null, event));
}

function applyPayment(payments: Record<string, Payment>, event: PaymentEvent): Record<string, Payment> {
  const id = event.data.paymentId;
  return put(payments, id, evolvePayment(payments[id] ?? null, event));
}

function applyUsage(usage: Record<string, UsageSummary>, event: UsageEvent): Record<string, UsageSummary> {
  const id = event.data.subscriptionId;
  const summary = usage[id] ?? { ratedRecords: 0, rejectedRecords: 0, ratedAmount: null };
  if (event.type === 'usage.rejected') {
    return { ...usage, [id]: { ...summary, rejectedRecords: summary.rejectedRecords + 1 } };
  }
  const { amount } = event.data;
  const ratedAmount = summary.ratedAmount === null ? amount : add(summary.ratedAmount, amount);
  return { ...usage, [id]: { ...summary, ratedRecords: summary.ratedRecords + 1, ratedAmount } };
}
