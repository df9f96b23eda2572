// Accounts for billing and payment tests, written through the command bus with the domain's own
// decide functions and explicit times: the tests fix every date (activation mid-period, usage
// started on the last second of a month) without depending on the order and usage use cases.
import { catalog, customer, order, usage } from '../../src/domain/index.ts';
import type { CustomerBalance, DomainEvent, subscription } from '../../src/domain/index.ts';
import type { ClockedApplication } from './clocked-app.ts';
import { customerBody } from './customers.ts';
import type { UnitOfWork } from '../../src/application/read-model/unit-of-work.ts';

/** Fixtures write around the use cases, through the bus, and read the tables. */
type Backend = Pick<ClockedApplication, 'db' | 'bus'>;

const run = (app: Backend, work: (uow: UnitOfWork) => Promise<readonly DomainEvent[]>) =>
  app.bus.run(async (uow) => ({ events: await work(uow), result: undefined }));

export async function givenCustomer(app: Backend, customerId: string, at: string): Promise<void> {
  await run(app, async (uow) => {
    const { state } = await uow.load<customer.Customer>('customer', customerId);
    const command: customer.CreateCustomer = {
      type: 'CreateCustomer',
      ...customerBody(customerId),
      email: `${customerId.toLowerCase()}@example.com`,
      at,
    };
    return customer.decide(command, state);
  });
}

/** Places, approves and completes a one-item order at `at`: the subscription is ACTIVE from then. */
export async function givenSubscription(
  app: Backend,
  input: { customerId: string; subscriptionId: string; planId: string; at: string },
): Promise<void> {
  const orderId = `ord_${input.subscriptionId}`;
  const decide = (command: order.OrderCommand) =>
    run(app, async (uow) => {
      const { state } = await uow.load<order.Order>('order', orderId);
      const { state: customerState } = await uow.load<customer.Customer>('customer', input.customerId, 'share');
      const { state: balance } = await uow.load<CustomerBalance>('balance', input.customerId);
      const context = {
        customer: customerState,
        catalog: catalog.seedPlans,
        accountCurrency: balance?.currency ?? null,
      };
      return order.decide(command, state, context);
    });
  const { customerId, at } = input;
  await decide({ type: 'PlaceOrder', orderId, customerId, items: [{ planId: input.planId }], at });
  await decide({ type: 'ApproveOrder', orderId, at });
  await decide({ type: 'CompleteOrder', orderId, subscriptionIds: [input.subscriptionId], at });
}

/** Ingests one CDR at `at` (after `startedAt`); returns how the domain recorded it. */
export async function givenUsage(
  app: Backend,
  record: Omit<usage.IngestUsage, 'type'>,
): Promise<'usage.rated' | 'usage.rejected'> {
  const { events } = await run(app, async (uow) => {
    const { state } = await uow.load<usage.UsageRecord>('usage', record.recordId);
    const sub = await uow.load<subscription.Subscription>('subscription', record.subscriptionId, 'share');
    return usage.decide({ type: 'IngestUsage', ...record }, state, {
      subscription: sub.state,
      catalog: catalog.seedPlans,
    });
  });
  const [event] = events;
  if (event?.type !== 'usage.rated' && event?.type !== 'usage.rejected') throw new Error('fixture: no usage event');
  return event.type;
}

export async function balanceOf(app: Backend, customerId: string): Promise<CustomerBalance | undefined> {
  const { rows } = await app.db.query<{ state: CustomerBalance }>('SELECT state FROM balances WHERE id = $1', [
    customerId,
  ]);
  return rows[0]?.state;
}

/** Events in the log so far: a repeated command must not add any. */
export async function eventCount(app: Backend): Promise<number> {
  const { rows } = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM event_log');
  return rows[0]?.n ?? 0;
}
