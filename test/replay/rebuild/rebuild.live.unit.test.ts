// Issue 12, defect 3: a rebuild "as of" a past moment must never rewind the live read models. On a
// fresh embedded data directory: two customers and a payment, then POST /rebuild {until: 0}. The
// payment must stay readable, its id must stay taken, and a full rebuild must still work afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composedAppPerFile } from '../../support/composed-app.ts';
import { customerBody } from '../../support/customers.ts';

const payment = (customerId: string) => ({
  paymentId: 'p1',
  customerId,
  amount: { amount: 1200, currency: 'EUR' },
  method: 'card',
});

const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
  const response = await bss.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: bss.as('admin'),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: response.statusCode, body: response.body === '' ? null : response.json() };
};

const bss = composedAppPerFile(
  {},
  {
    setUp: async () => {
      for (const id of ['c1', 'c2']) assert.equal((await call('POST', '/customers', customerBody(id))).status, 201);
      assert.equal((await call('POST', '/payments', payment('c1'))).status, 201);
    },
  },
);

test('rebuild until a past time leaves the live read models alone (until implies swap: false)', async () => {
  const partial = await call('POST', '/event-replay/rebuild', { until: 0 });
  assert.equal(partial.status, 200, JSON.stringify(partial.body));
  assert.equal(partial.body.swapped, false);
  assert.equal(partial.body.rows.payment, 0, 'the shadow holds the fold as of then: no payment yet');

  const p1 = await call('GET', '/payments/p1');
  assert.equal(p1.status, 200, 'the payment is still in the live read model');
  const again = await call('POST', '/payments', payment('c2'));
  assert.equal(again.status, 409, 'the payment id stays taken');
  assert.equal(again.body.code, 'PAYMENT_ALREADY_EXISTS');
});

test('rebuild until a past time with swap: true is refused naming the field', async () => {
  const refused = await call('POST', '/event-replay/rebuild', { until: '2020-01-01T00:00:00Z', swap: true });
  assert.equal(refused.status, 400, JSON.stringify(refused.body));
  assert.equal(refused.body.code, 'INVALID_REPLAY_REQUEST');
  assert.deepEqual(
    refused.body.errors.map((e: { field: string }) => e.field),
    ['/body/swap'],
  );
  assert.equal((await call('GET', '/payments/p1')).status, 200);
});

test('a full rebuild after the partial ones swaps in the fold of the whole log', async () => {
  const full = await call('POST', '/event-replay/rebuild', {});
  assert.equal(full.status, 200, JSON.stringify(full.body));
  assert.equal(full.body.swapped, true);
  assert.deepEqual(full.body.rows, { ...full.body.rows, customer: 2, payment: 1 });
  const p1 = await call('GET', '/payments/p1');
  assert.equal(p1.status, 200);
  assert.equal(p1.body.customerId, 'c1');
  assert.equal((await call('POST', '/payments', payment('c2'))).status, 409);
});
