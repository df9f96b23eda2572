import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composedAppPerFile } from '../../../support/composed-app.ts';
import { activeSubscription, client, eventCounts } from '../../../support/journeys.ts';

const bss = composedAppPerFile();
const send = client(bss);

const act = (id: string, action: string, options: { payload?: object; ifMatch?: string } = {}) =>
  send({
    method: 'POST',
    url: `/api/v1/subscriptions/${id}/${action}`,
    ...(options.payload ? { payload: options.payload } : {}),
    ...(options.ifMatch ? { headers: { 'if-match': options.ifMatch } } : {}),
  });

test('suspend, resume, cancel: each answers the new state with its ETag and appends its event', async () => {
  const { subscriptionId } = await activeSubscription(send);
  const before = await eventCounts(bss.services.db);

  const suspended = await act(subscriptionId, 'suspend', { payload: { reason: 'unpaid invoice' }, ifMatch: '"1"' });
  assert.equal(suspended.statusCode, 200, suspended.body);
  assert.equal(suspended.json().status, 'SUSPENDED');
  assert.equal(suspended.headers.etag, '"2"');

  const resumed = await act(subscriptionId, 'resume');
  assert.equal(resumed.statusCode, 200, resumed.body);
  assert.equal(resumed.json().status, 'ACTIVE');
  assert.equal(resumed.json().activePeriods.length, 2);

  const cancelled = await act(subscriptionId, 'cancel', { payload: {} });
  assert.equal(cancelled.statusCode, 200, cancelled.body);
  assert.equal(cancelled.json().status, 'CANCELLED');
  assert.ok(cancelled.json().cancelledAt);

  const after = await eventCounts(bss.services.db);
  for (const type of ['subscription.suspended', 'subscription.resumed', 'subscription.cancelled']) {
    assert.equal((after[type] ?? 0) - (before[type] ?? 0), 1, type);
  }
  const fetched = await send({ method: 'GET', url: `/api/v1/subscriptions/${subscriptionId}` });
  assert.equal(fetched.headers.etag, '"4"');
});

test('the lifecycle is enforced (409), unknown ids are 404, a stale If-Match is 412', async () => {
  const { subscriptionId } = await activeSubscription(send);
  const resume = await act(subscriptionId, 'resume');
  assert.equal(resume.statusCode, 409);
  assert.equal(resume.json().code, 'INVALID_TRANSITION');

  const stale = await act(subscriptionId, 'suspend', { ifMatch: '"9"' });
  assert.equal(stale.statusCode, 412);

  await act(subscriptionId, 'cancel');
  const again = await act(subscriptionId, 'cancel');
  assert.equal(again.statusCode, 409);

  const missing = await act('sub_missing', 'suspend');
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().code, 'SUBSCRIPTION_NOT_FOUND');
  assert.equal((await send({ method: 'GET', url: '/api/v1/subscriptions/sub_missing' })).statusCode, 404);

  const unknownField = await act(subscriptionId, 'suspend', { payload: { reason: 'x', until: 'tomorrow' } });
  assert.equal(unknownField.statusCode, 400);
});

test('GET /subscriptions filters by customer and status', async () => {
  const first = await activeSubscription(send);
  await act(first.subscriptionId, 'suspend');
  const list = async (query: string) =>
    (await send({ method: 'GET', url: `/api/v1/subscriptions?${query}` }))
      .json()
      .items.map((s: { subscriptionId: string }) => s.subscriptionId);
  assert.deepEqual(await list(`customerId=${first.customerId}`), [first.subscriptionId]);
  assert.deepEqual(await list(`customerId=${first.customerId}&status=ACTIVE`), []);
  assert.deepEqual(await list(`customerId=${first.customerId}&status=SUSPENDED`), [first.subscriptionId]);
});
