import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalog } from '../../../../src/domain/index.ts';
import { composedAppPerFile } from '../../../support/composed-app.ts';
import { client, createCustomer, eventCounts, orderAction, placeOrder } from '../../../support/journeys.ts';

const bss = composedAppPerFile();
const send = client(bss);

/** The monthly price quoted today, from the seed catalog. */
const priceNow = (planId: string) => {
  const plan = catalog.findPlan(catalog.seedPlans, planId);
  assert.ok(plan);
  return catalog.planVersionAt(plan, new Date().toISOString())!.monthlyPrice.amount;
};

/** Runs `work` and returns how many events of each type it appended. */
async function appended(work: () => Promise<void>): Promise<Record<string, number>> {
  const before = await eventCounts(bss.services.db);
  await work();
  const after = await eventCounts(bss.services.db);
  return Object.fromEntries(
    Object.entries(after)
      .map(([type, n]) => [type, n - (before[type] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
}

test('an order goes PENDING → APPROVED → COMPLETED and activates one subscription per item', async () => {
  const customerId = await createCustomer(send);
  let orderId = '';
  const placedEvents = await appended(async () => {
    const placed = await send({
      method: 'POST',
      url: '/api/v1/orders',
      payload: { customerId, items: [{ planId: 'basic' }, { planId: 'business-data' }] },
    });
    assert.equal(placed.statusCode, 201, placed.body);
    orderId = placed.json().orderId;
    assert.match(orderId, /^ord_[0-9a-f-]{36}$/);
    assert.equal(placed.headers.location, `/api/v1/orders/${orderId}`);
    assert.equal(placed.headers.etag, '"1"');
    const body = placed.json();
    assert.equal(body.status, 'PENDING');
    assert.equal(body.currency, 'EUR');
    assert.deepEqual(body.monthlyTotal, { amount: priceNow('basic') + priceNow('business-data'), currency: 'EUR' });
    assert.deepEqual(
      body.items.map((i: { planId: string }) => i.planId),
      ['basic', 'business-data'],
    );
  });
  assert.deepEqual(placedEvents, { 'order.placed': 1 });

  const approved = await orderAction(send, orderId, 'approve');
  assert.equal(approved.statusCode, 200, approved.body);
  assert.equal(approved.json().status, 'APPROVED');
  assert.equal(approved.headers.etag, '"2"');

  let subscriptionIds: string[] = [];
  const completedEvents = await appended(async () => {
    const completed = await orderAction(send, orderId, 'complete');
    assert.equal(completed.statusCode, 200, completed.body);
    assert.equal(completed.json().status, 'COMPLETED');
    subscriptionIds = completed.json().subscriptionIds;
  });
  assert.deepEqual(completedEvents, { 'order.completed': 1, 'subscription.activated': 2 });
  assert.equal(subscriptionIds.length, 2);
  for (const id of subscriptionIds) assert.match(id, /^sub_[0-9a-f-]{36}$/);

  const subscription = await send({ method: 'GET', url: `/api/v1/subscriptions/${subscriptionIds[1]}` });
  assert.equal(subscription.statusCode, 200);
  assert.equal(subscription.json().planId, 'business-data');
  assert.equal(subscription.json().status, 'ACTIVE');
  assert.equal(subscription.json().orderId, orderId);

  const listed = await send({ method: 'GET', url: `/api/v1/subscriptions?customerId=${customerId}` });
  assert.deepEqual(
    listed
      .json()
      .items.map((s: { subscriptionId: string }) => s.subscriptionId)
      .sort(),
    [...subscriptionIds].sort(),
  );

  const fetched = await send({ method: 'GET', url: `/api/v1/orders/${orderId}` });
  assert.equal(fetched.headers.etag, '"3"');
  assert.deepEqual(fetched.json().subscriptionIds, subscriptionIds);
});

test('reject and cancel record the reason and end the lifecycle', async () => {
  const customerId = await createCustomer(send);
  const rejectedId = await placeOrder(send, customerId, ['basic']);
  const events = await appended(async () => {
    const rejected = await orderAction(send, rejectedId, 'reject', { reason: 'failed credit check' });
    assert.equal(rejected.statusCode, 200, rejected.body);
    assert.equal(rejected.json().status, 'REJECTED');
    assert.equal(rejected.json().reason, 'failed credit check');
  });
  assert.deepEqual(events, { 'order.rejected': 1 });

  const cancelledId = await placeOrder(send, customerId, ['basic']);
  await orderAction(send, cancelledId, 'approve');
  const cancelEvents = await appended(async () => {
    const cancelled = await orderAction(send, cancelledId, 'cancel', { reason: 'changed mind' });
    assert.equal(cancelled.statusCode, 200, cancelled.body);
    assert.equal(cancelled.json().status, 'CANCELLED');
    assert.equal(cancelled.json().reason, 'changed mind');
  });
  assert.deepEqual(cancelEvents, { 'order.cancelled': 1 });
});

test('transitions the state machine forbids are 409 INVALID_TRANSITION and append nothing', async () => {
  const customerId = await createCustomer(send);
  const orderId = await placeOrder(send, customerId, ['basic']);
  const events = await appended(async () => {
    for (const action of ['complete', 'cancel']) {
      const response = await orderAction(send, orderId, action);
      assert.equal(response.statusCode, 409, `${action}: ${response.body}`);
      assert.equal(response.json().code, 'INVALID_TRANSITION');
    }
  });
  assert.deepEqual(events, {});
  await orderAction(send, orderId, 'reject', { reason: 'no' });
  const again = await orderAction(send, orderId, 'approve');
  assert.equal(again.statusCode, 409);
  assert.match(again.json().detail, /cannot approve an order that is REJECTED/);
});

test('an unknown plan is 422 UNKNOWN_PLAN naming the item', async () => {
  const customerId = await createCustomer(send);
  const response = await send({
    method: 'POST',
    url: '/api/v1/orders',
    payload: { customerId, items: [{ planId: 'basic' }, { planId: 'gold-unicorn' }] },
  });
  assert.equal(response.statusCode, 422, response.body);
  assert.equal(response.json().code, 'UNKNOWN_PLAN');
  assert.deepEqual(response.json().errors[0].field, '/body/items/1/planId');
});

test('one account, one currency: a PLN plan for an EUR account is 422 CURRENCY_MISMATCH', async () => {
  const customerId = await createCustomer(send);
  const mixed = await send({
    method: 'POST',
    url: '/api/v1/orders',
    payload: { customerId, items: [{ planId: 'basic' }, { planId: 'start-pln' }] },
  });
  assert.equal(mixed.statusCode, 422, mixed.body);
  assert.equal(mixed.json().code, 'CURRENCY_MISMATCH');

  await placeOrder(send, customerId, ['basic']); // fixes the account currency: EUR
  const later = await send({
    method: 'POST',
    url: '/api/v1/orders',
    payload: { customerId, items: [{ planId: 'start-pln' }] },
  });
  assert.equal(later.statusCode, 422, later.body);
  assert.equal(later.json().code, 'CURRENCY_MISMATCH');
  assert.equal(later.json().errors[0].field, '/body/items/0/planId');
});

test('unknown customers and orders are 404; a suspended customer cannot order (409)', async () => {
  const noCustomer = await send({
    method: 'POST',
    url: '/api/v1/orders',
    payload: { customerId: 'cus_nobody', items: [{ planId: 'basic' }] },
  });
  assert.equal(noCustomer.statusCode, 404, noCustomer.body);
  assert.equal(noCustomer.json().code, 'CUSTOMER_NOT_FOUND');

  assert.equal((await send({ method: 'GET', url: '/api/v1/orders/ord_nothing' })).statusCode, 404);
  const action = await orderAction(send, 'ord_nothing', 'approve');
  assert.equal(action.statusCode, 404);
  assert.equal(action.json().code, 'ORDER_NOT_FOUND');

  const customerId = await createCustomer(send);
  const orderId = await placeOrder(send, customerId, ['basic']);
  await send({ method: 'POST', url: `/api/v1/customers/${customerId}/suspend`, payload: {} });
  const suspended = await send({
    method: 'POST',
    url: '/api/v1/orders',
    payload: { customerId, items: [{ planId: 'basic' }] },
  });
  assert.equal(suspended.statusCode, 409);
  assert.equal(suspended.json().code, 'CUSTOMER_NOT_ACTIVE');
  assert.equal((await orderAction(send, orderId, 'approve')).json().code, 'CUSTOMER_NOT_ACTIVE');
});

test('a client-chosen orderId is kept; placing it twice is 409 ORDER_ALREADY_EXISTS', async () => {
  const customerId = await createCustomer(send);
  const payload = { orderId: `ord-${customerId}`, customerId, items: [{ planId: 'basic' }] };
  const first = await send({ method: 'POST', url: '/api/v1/orders', payload });
  assert.equal(first.statusCode, 201);
  assert.equal(first.headers.location, `/api/v1/orders/ord-${customerId}`);
  const second = await send({ method: 'POST', url: '/api/v1/orders', payload });
  assert.equal(second.statusCode, 409);
  assert.equal(second.json().code, 'ORDER_ALREADY_EXISTS');
});

test('If-Match: a stale version is 412, the current one passes', async () => {
  const customerId = await createCustomer(send);
  const orderId = await placeOrder(send, customerId, ['basic']);
  const stale = await send({
    method: 'POST',
    url: `/api/v1/orders/${orderId}/approve`,
    headers: { 'if-match': '"7"' },
  });
  assert.equal(stale.statusCode, 412);
  assert.equal(stale.json().code, 'PRECONDITION_FAILED');
  const current = await send({
    method: 'POST',
    url: `/api/v1/orders/${orderId}/approve`,
    headers: { 'if-match': '"1"' },
  });
  assert.equal(current.statusCode, 200, current.body);
});

test('malformed bodies are 400 naming the field', async () => {
  const cases: Array<[object, string]> = [
    [{ customerId: 'c', items: [] }, '/body/items'],
    [{ customerId: 'c', items: [{ planId: 'basic', qty: 2 }] }, '/body/items/0/qty'],
    [{ customerId: 'c', items: [{ planId: 'basic' }], colour: 'red' }, '/body/colour'],
    [{ items: [{ planId: 'basic' }] }, '/body/customerId'],
    [{ orderId: 'has space', customerId: 'c', items: [{ planId: 'basic' }] }, '/body/orderId'],
  ];
  for (const [payload, field] of cases) {
    const response = await send({ method: 'POST', url: '/api/v1/orders', payload });
    assert.equal(response.statusCode, 400, JSON.stringify(payload));
    assert.ok(
      response.json().errors.some((e: { field: string }) => e.field === field),
      `${field} in ${response.body}`,
    );
  }
  const noReason = await orderAction(send, 'ord_x', 'reject', {});
  assert.equal(noReason.statusCode, 400);
  assert.equal(noReason.json().errors[0].field, '/body/reason');
});

test('GET /orders filters by customer and status and pages with a cursor', async () => {
  const customerId = await createCustomer(send);
  const ids = [
    await placeOrder(send, customerId, ['basic']),
    await placeOrder(send, customerId, ['basic']),
    await placeOrder(send, customerId, ['unlimited-talk']),
  ];
  await orderAction(send, ids[1]!, 'approve');

  const pending = await send({ method: 'GET', url: `/api/v1/orders?customerId=${customerId}&status=PENDING` });
  assert.deepEqual(
    pending.json().items.map((o: { orderId: string }) => o.orderId),
    [ids[0], ids[2]],
  );

  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `customerId=${customerId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
    const page = await send({ method: 'GET', url: `/api/v1/orders?${query}` });
    assert.equal(page.statusCode, 200);
    seen.push(...page.json().items.map((o: { orderId: string }) => o.orderId));
    cursor = page.json().nextCursor;
  } while (cursor !== null);
  assert.deepEqual(seen, ids);

  const badStatus = await send({ method: 'GET', url: '/api/v1/orders?status=LOST' });
  assert.equal(badStatus.statusCode, 400);
  assert.equal(badStatus.json().errors[0].field, '/querystring/status');
});
