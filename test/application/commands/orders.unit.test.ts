// Order and subscription use cases, called directly (no HTTP): what each command commits and appends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { order, subscription } from '../../../src/domain/index.ts';
import { DomainRejection } from '../../../src/domain/index.ts';
import { BssError } from '../../../src/errors.ts';
import { getRow } from '../../../src/application/queries/read-model-queries.ts';
import type { Application } from '../../../src/application/services.ts';
import { composedAppPerFile } from '../../support/composed-app.ts';
import { customerBody } from '../../support/customers.ts';
import { eventCounts } from '../../support/journeys.ts';

let app: Application;

const bss = composedAppPerFile(
  {},
  {
    setUp: async () => {
      app = bss.services.application;
    },
  },
);

const newCustomer = () => app.customers.create(customerBody(`cus_${randomUUID()}`));

const rejection = (code: string) => (error: unknown) => error instanceof DomainRejection && error.code === code;

test('place, approve, complete: the order and its subscriptions are committed with their events', async () => {
  const before = await eventCounts(bss.services.db);
  const customerId = await newCustomer();
  const orderId = await app.orders.place({
    orderId: `ord_${randomUUID()}`,
    customerId,
    items: [{ planId: 'start-pln' }],
  });
  await app.orders.approve(orderId);
  const subscriptionIds = await app.orders.complete(orderId);

  assert.equal(subscriptionIds.length, 1);
  const placed = await getRow<order.Order>(bss.services.db, 'order', orderId);
  assert.equal(placed?.state.status, 'COMPLETED');
  assert.equal(placed?.state.currency, 'PLN');
  assert.deepEqual(placed?.state.subscriptionIds, subscriptionIds);
  assert.equal(placed?.version, 3);
  const sub = await getRow<subscription.Subscription>(bss.services.db, 'subscription', subscriptionIds[0]!);
  assert.equal(sub?.state.status, 'ACTIVE');
  assert.equal(sub?.state.customerId, customerId);

  const balance = await getRow<{ currency: string }>(bss.services.db, 'balance', customerId);
  assert.equal(balance?.state.currency, 'PLN', 'the first order fixes the account currency');

  const after = await eventCounts(bss.services.db);
  for (const [type, n] of Object.entries({
    'customer.created': 1,
    'order.placed': 1,
    'order.approved': 1,
    'order.completed': 1,
    'subscription.activated': 1,
  })) {
    assert.equal((after[type] ?? 0) - (before[type] ?? 0), n, type);
  }
});

test('the expected version guards lifecycle actions (If-Match)', async () => {
  const customerId = await newCustomer();
  const orderId = await app.orders.place({ orderId: `ord_${randomUUID()}`, customerId, items: [{ planId: 'basic' }] });
  await assert.rejects(
    app.orders.approve(orderId, 2),
    (error) => error instanceof BssError && error.code === 'PRECONDITION_FAILED' && error.status === 412,
  );
  await app.orders.approve(orderId, 1);
  await assert.rejects(app.orders.reject(orderId, 'too late', 2), rejection('INVALID_TRANSITION'));
});

test('rejections leave nothing behind: no row, no event', async () => {
  const customerId = await newCustomer();
  const before = await eventCounts(bss.services.db);
  const orderId = `ord_${randomUUID()}`;
  await assert.rejects(
    app.orders.place({ orderId, customerId, items: [{ planId: 'nope' }] }),
    rejection('UNKNOWN_PLAN'),
  );
  await assert.rejects(app.orders.approve(orderId), rejection('ORDER_NOT_FOUND'));
  assert.equal(await getRow(bss.services.db, 'order', orderId), undefined);
  assert.deepEqual(await eventCounts(bss.services.db), before);
});

test('subscriptions suspend, resume and cancel; the lifecycle is enforced', async () => {
  const customerId = await newCustomer();
  const orderId = await app.orders.place({ orderId: `ord_${randomUUID()}`, customerId, items: [{ planId: 'basic' }] });
  await app.orders.approve(orderId);
  const [subscriptionId] = await app.orders.complete(orderId);
  assert.ok(subscriptionId);

  await assert.rejects(app.subscriptions.resume(subscriptionId), rejection('INVALID_TRANSITION'));
  await app.subscriptions.suspend(subscriptionId, 'unpaid', 1);
  await app.subscriptions.resume(subscriptionId, 2);
  await assert.rejects(app.subscriptions.cancel(subscriptionId, undefined, 2), (e) => e instanceof BssError);
  await app.subscriptions.cancel(subscriptionId, 'moved abroad');
  await assert.rejects(app.subscriptions.suspend(subscriptionId), rejection('INVALID_TRANSITION'));
  await assert.rejects(app.subscriptions.suspend('sub_missing'), rejection('SUBSCRIPTION_NOT_FOUND'));

  const row = await getRow<subscription.Subscription>(bss.services.db, 'subscription', subscriptionId);
  assert.equal(row?.state.status, 'CANCELLED');
  assert.equal(row?.state.activePeriods.length, 2);
  assert.ok(row?.state.activePeriods.every((p) => p.to !== null));
});
