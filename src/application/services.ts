// The application's use cases, built over a command bus and the database: what the API and CLI call.
import type { Db } from '../store/db.ts';
import type { CommandBus } from './commands/command-bus.ts';
import { customerCommands, type CustomerCommands } from './commands/customers.ts';
import { orderCommands, type OrderCommands } from './commands/orders.ts';
import { subscriptionCommands, type SubscriptionCommands } from './commands/subscriptions.ts';
import { usageCommands, type UsageCommands } from './commands/usage.ts';
import { billingCommands, type BillingCommands } from './commands/billing.ts';
import { invoiceCommands, type InvoiceCommands } from './commands/invoices.ts';
import { paymentCommands, type PaymentCommands } from './commands/payments.ts';
import { catalog } from '../domain/index.ts';
import type { Clock } from './clock.ts';
import { uncachedReadModels, type ReadModels } from './queries/cached-read-models.ts';

export interface Application {
  readonly db: Db;
  readonly bus: CommandBus;
  readonly clock: Clock;
  /** Rows by id for the API's GETs: through the cache when compose built one. */
  readonly reads: ReadModels;
  readonly customers: CustomerCommands;
  /** The product catalog orders and rating read (the seed plans until a catalog store exists). */
  readonly catalog: catalog.Catalog;
  readonly orders: OrderCommands;
  readonly subscriptions: SubscriptionCommands;
  readonly usage: UsageCommands;
  readonly billing: BillingCommands;
  readonly invoices: InvoiceCommands;
  readonly payments: PaymentCommands;
}

export function createApplication(
  db: Db,
  bus: CommandBus,
  clock: Clock,
  reads: ReadModels = uncachedReadModels(db),
): Application {
  return {
    db,
    bus,
    clock,
    reads,
    customers: customerCommands(bus, clock),
    catalog: catalog.seedPlans,
    orders: orderCommands(bus, clock, catalog.seedPlans),
    subscriptions: subscriptionCommands(bus, clock),
    usage: usageCommands(bus, clock, catalog.seedPlans),
    billing: billingCommands(bus, db, clock, catalog.seedPlans),
    invoices: invoiceCommands(bus, clock),
    payments: paymentCommands(bus, db, clock),
  };
}
