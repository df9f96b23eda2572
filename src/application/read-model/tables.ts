// The one map the projector and the queries share: which evolve folds each table and its indexed columns.
import {
  customer,
  invoice,
  order,
  payment,
  subscription,
  usage,
  evolveBalance,
  initialBalance,
} from '../../domain/index.ts';
import type { AggregateType, CustomerBalance, DomainEvent } from '../../domain/index.ts';

export type ReadModelKind = AggregateType | 'balance';

export interface ReadModelTable<S = unknown> {
  readonly kind: ReadModelKind;
  readonly table: string;
  evolve(state: S | null, event: DomainEvent, id: string): S | null;
  columns(state: S): Record<string, string>;
  status(state: S): string;
}

type Evolve<S> = (state: S | null, event: never) => S | null;
const lift =
  <S>(evolve: Evolve<S>) =>
  (state: S | null, event: DomainEvent): S | null =>
    evolve(state, event as never);

const customers: ReadModelTable<customer.Customer> = {
  kind: 'customer',
  table: 'customers',
  evolve: lift(customer.evolve),
  columns: (s) => ({ email: s.email }),
  status: (s) => s.status,
};

const orders: ReadModelTable<order.Order> = {
  kind: 'order',
  table: 'orders',
  evolve: lift(order.evolve),
  columns: () => ({}),
  status: (s) => s.status,
};

const subscriptions: ReadModelTable<subscription.Subscription> = {
  kind: 'subscription',
  table: 'subscriptions',
  evolve: lift(subscription.evolve),
  columns: (s) => ({ plan_id: s.planId }),
  status: (s) => s.status,
};

const usageRecords: ReadModelTable<usage.UsageRecord> = {
  kind: 'usage',
  table: 'usage_records',
  evolve: lift(usage.evolve),
  columns: (s) => ({ subscription_id: s.subscriptionId, started_at: s.startedAt }),
  status: (s) => s.status,
};

const invoices: ReadModelTable<invoice.Invoice> = {
  kind: 'invoice',
  table: 'invoices',
  evolve: lift(invoice.evolve),
  columns: (s) => ({ period_from: s.period.from }),
  status: (s) => s.status,
};

const payments: ReadModelTable<payment.Payment> = {
  kind: 'payment',
  table: 'payments',
  evolve: lift(payment.evolve),
  columns: () => ({}),
  status: (s) => s.status,
};

const balances: ReadModelTable<CustomerBalance> = {
  kind: 'balance',
  table: 'balances',
  evolve: (state, event, id) => evolveBalance(state ?? initialBalance(id), event),
  columns: () => ({}),
  status: (s) => (s.balance > 0 ? 'OWING' : s.balance < 0 ? 'CREDIT' : 'SETTLED'),
};

export const READ_MODELS: Readonly<Record<ReadModelKind, ReadModelTable>> = {
  customer: customers as ReadModelTable,
  order: orders as ReadModelTable,
  subscription: subscriptions as ReadModelTable,
  usage: usageRecords as ReadModelTable,
  invoice: invoices as ReadModelTable,
  payment: payments as ReadModelTable,
  balance: balances as ReadModelTable,
};
