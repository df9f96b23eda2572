// The use cases and queries the API and CLI call; the database and bus stay inside.
import type { Db } from '../store/db.ts';
import type { CommandBus } from './commands/command-bus.ts';
import { customerCommands, type CustomerCommands } from './commands/customers.ts';
import { orderCommands, type OrderCommands } from './commands/orders.ts';
import { subscriptionCommands, type SubscriptionCommands } from './commands/subscriptions.ts';
import { usageCommands, type UsageCommands } from './commands/usage.ts';
import { billingCommands, type BillingCommands } from './commands/billing.ts';
import { invoiceCommands, type InvoiceCommands } from './commands/invoices.ts';
import { paymentCommands, type PaymentCommands } from './commands/payments.ts';
import { catalog, type invoice, type order, type payment, type subscription, type usage } from '../domain/index.ts';
import type { Clock } from './clock.ts';
import { uncachedReadModels, type ReadModels } from './queries/cached-read-models.ts';
import { listQueries, rowQueries, type ListQueries, type RowQueries } from './queries/row-queries.ts';
import { customerQueries, type CustomerQueries } from './queries/customers.ts';
import { billRunQueries, type BillRunQueries } from './queries/billing-runs.ts';
import { upcomingInvoice, type UpcomingInvoiceQuery } from './queries/upcoming-invoice.ts';
import { createIdempotencyStore, type IdempotencyStore } from './idempotency/idempotency-store.ts';

export { MAX_SEARCH_RESULTS } from './queries/customer-search.ts';

export interface Application {
  readonly customers: CustomerCommands & CustomerQueries;
  /** The seed plans until a catalog store exists. */
  readonly catalog: catalog.Catalog;
  readonly orders: OrderCommands & RowQueries<order.Order>;
  readonly subscriptions: SubscriptionCommands & RowQueries<subscription.Subscription>;
  readonly usage: UsageCommands & ListQueries<usage.UsageRecord>;
  readonly billing: BillingCommands & BillRunQueries;
  readonly invoices: InvoiceCommands & RowQueries<invoice.Invoice> & UpcomingInvoiceQuery;
  readonly payments: PaymentCommands & RowQueries<payment.Payment>;
  readonly idempotency: IdempotencyStore;
}

export interface ApplicationParts {
  readonly db: Db;
  readonly bus: CommandBus;
  readonly clock: Clock;
  readonly reads?: ReadModels;
  /** A retry takes this instance's idempotency claims over once it is gone. */
  readonly instanceId?: string;
  readonly observe?: <T extends object>(commands: T, component: 'order' | 'payment') => T;
}

export function createApplication(parts: ApplicationParts): Application {
  const { db, bus, clock, reads = uncachedReadModels(db), observe = (commands) => commands } = parts;
  const plans = catalog.seedPlans;
  return {
    customers: { ...customerCommands(bus, clock), ...customerQueries(db, reads) },
    catalog: plans,
    orders: { ...observe(orderCommands(bus, clock, plans), 'order'), ...rowQueries<order.Order>('order', db, reads) },
    subscriptions: {
      ...subscriptionCommands(bus, clock),
      ...rowQueries<subscription.Subscription>('subscription', db, reads),
    },
    usage: { ...usageCommands(bus, clock, plans), ...listQueries<usage.UsageRecord>('usage', db) },
    billing: { ...billingCommands(bus, db, clock, plans), ...billRunQueries(db) },
    invoices: {
      ...invoiceCommands(bus, clock),
      ...rowQueries<invoice.Invoice>('invoice', db, reads),
      upcoming: (customerId, periodFrom) => upcomingInvoice(db, clock, plans, customerId, periodFrom),
    },
    payments: {
      ...observe(paymentCommands(bus, db, clock), 'payment'),
      ...rowQueries<payment.Payment>('payment', db, reads),
    },
    // A claim or outcome lost in a database crash costs a retry, not a write: the commands' own commits are synchronous.
    idempotency: createIdempotencyStore(db.asyncCommit, parts.instanceId ? { holder: parts.instanceId } : {}),
  };
}
