// Payments through HTTP on the composed service: authorize, capture (oldest invoice first), partial
// refund, refund over what was captured, credit applied to a later invoice — and the balance after
// every step, as this test computes it: invoiced − captured + refunded.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { expectRejected } from '../../../support/problems.ts';
import { clockedApp, type ClockedApp } from '../../../support/clocked-app.ts';
import { givenCustomer, givenSubscription } from '../../../support/billing-fixtures.ts';

const CUSTOMER = 'cus_pay';
// Basic v1: EUR 9.99. Activated 2025-02-15: 15..28 February = 14 of 28 days → 499.5 → 500 (half up).
const FEB = 500;
const MAR = 999;
const APR = 999;
const INV_FEB = 'inv_cus_pay_2025-02-01';
const INV_MAR = 'inv_cus_pay_2025-03-01';
const INV_APR = 'inv_cus_pay_2025-04-01';

describe('payments API', () => {
  let bss: ClockedApp;
  let expectedBalance = 0;

  const post = (url: string, payload?: object, headers: Record<string, string> = {}) =>
    bss.request({ method: 'POST', url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });
  const get = (url: string) => bss.request({ method: 'GET', url: `/api/v1${url}` });
  const billRun = async (from: string, to: string, at: string) => {
    bss.clock.set(at);
    const response = await post('/billing/runs', { period: { from, to } });
    assert.equal(response.statusCode, 201, response.body);
    return response.json();
  };
  const invoice = async (id: string) => (await get(`/invoices/${id}`)).json();
  const assertBalance = async () => {
    const balance = (await get(`/customers/${CUSTOMER}/balance`)).json();
    // Every amount is Money, like all money in the API (issue 12, defect 7).
    assert.deepEqual(balance.balance, { amount: expectedBalance, currency: 'EUR' });
    assert.deepEqual(balance.credit, { amount: Math.max(0, -expectedBalance), currency: 'EUR' });
    assert.equal(balance.currency, 'EUR');
  };

  before(async () => {
    bss = await clockedApp('2025-02-15T10:00:00Z');
    await givenCustomer(bss.app, CUSTOMER, '2025-02-01T09:00:00Z');
    await givenSubscription(bss.app, {
      customerId: CUSTOMER,
      subscriptionId: 'sub_pay',
      planId: 'basic',
      at: '2025-02-15T10:00:00Z',
    });
    await billRun('2025-02-01', '2025-03-01', '2025-03-01T01:00:00Z');
    await billRun('2025-03-01', '2025-04-01', '2025-04-01T01:00:00Z');
    expectedBalance = FEB + MAR;
  });
  after(() => bss.close());

  test('the invoices to pay are what pro-rating gives', async () => {
    assert.equal((await invoice(INV_FEB)).total.amount, FEB);
    assert.equal((await invoice(INV_MAR)).total.amount, MAR);
    await assertBalance();
  });

  test('create authorizes: 201, Location, ETag; the balance does not move yet', async () => {
    bss.clock.set('2025-04-02T09:00:00Z');
    const body = { paymentId: 'pay_1', customerId: CUSTOMER, amount: { amount: 1200, currency: 'EUR' } };
    const response = await post('/payments', { ...body, method: 'card', reference: 'AUTH-123' });
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.headers.location, '/api/v1/payments/pay_1');
    assert.equal(response.headers.etag, '"1"');
    const payment = response.json();
    assert.equal(payment.status, 'AUTHORIZED');
    assert.deepEqual(payment.amount, { amount: 1200, currency: 'EUR' });
    assert.equal(payment.reference, 'AUTH-123');
    await assertBalance();
    expectRejected(await post('/payments', { ...body, method: 'card' }), 409, 'PAYMENT_ALREADY_EXISTS');
  });

  test('capture pays the oldest invoice first; the rest goes to the next one', async () => {
    bss.clock.set('2025-04-02T09:05:00Z');
    const response = await post('/payments/pay_1/capture');
    assert.equal(response.statusCode, 200, response.body);
    const payment = response.json();
    assert.equal(payment.status, 'CAPTURED');
    assert.deepEqual(
      payment.allocations.map((a: { invoiceId: string; amount: { amount: number } }) => [a.invoiceId, a.amount.amount]),
      [
        [INV_FEB, FEB],
        [INV_MAR, 1200 - FEB],
      ],
    );
    assert.equal(payment.unapplied.amount, 0);
    const feb = await invoice(INV_FEB);
    assert.equal(feb.status, 'PAID');
    assert.equal(feb.outstanding.amount, 0);
    const mar = await invoice(INV_MAR);
    assert.equal(mar.status, 'ISSUED');
    assert.equal(mar.outstanding.amount, MAR - (1200 - FEB));
    expectedBalance -= 1200;
    await assertBalance();
    expectRejected(await post('/payments/pay_1/capture'), 409, 'INVALID_TRANSITION');
    expectRejected(await post('/payments/pay_1/fail', { reason: 'too late' }), 409, 'INVALID_TRANSITION');
  });

  test('a second capture settles the March invoice and leaves the rest as credit', async () => {
    bss.clock.set('2025-04-03T09:00:00Z');
    const create = await post('/payments', {
      paymentId: 'pay_2',
      customerId: CUSTOMER,
      amount: { amount: 400, currency: 'EUR' },
      method: 'bank_transfer',
    });
    assert.equal(create.statusCode, 201, create.body);
    const captured = (await post('/payments/pay_2/capture')).json();
    const owedOnMarch = MAR - (1200 - FEB);
    assert.equal(captured.applied.amount, owedOnMarch);
    assert.equal(captured.unapplied.amount, 400 - owedOnMarch);
    const mar = await invoice(INV_MAR);
    assert.equal(mar.status, 'PAID');
    assert.equal(mar.paidAt, '2025-04-03T09:00:00Z');
    expectedBalance -= 400;
    assert.ok(expectedBalance < 0, 'the customer is in credit');
    await assertBalance();
  });

  test('a partial refund raises the balance; a repeated refundId changes nothing', async () => {
    const refund = { refundId: 'ref_1', amount: { amount: 50, currency: 'EUR' }, reason: 'goodwill' };
    const response = await post('/payments/pay_2/refund', refund);
    assert.equal(response.statusCode, 200, response.body);
    const payment = response.json();
    assert.equal(payment.refunded.amount, 50);
    assert.equal(payment.refundable.amount, 350);
    assert.equal(response.headers.etag, '"3"');
    expectedBalance += 50;
    await assertBalance();

    const again = await post('/payments/pay_2/refund', refund);
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().refunded.amount, 50);
    await assertBalance();
    expectRejected(
      await post('/payments/pay_2/refund', { ...refund, amount: { amount: 60, currency: 'EUR' } }),
      409,
      'REFUND_ID_REUSED',
    );
  });

  test('a refund over captured − refunded is 422 REFUND_EXCEEDS_CAPTURED and changes nothing', async () => {
    const problem = expectRejected(
      await post('/payments/pay_2/refund', { amount: { amount: 351, currency: 'EUR' } }),
      422,
      'REFUND_EXCEEDS_CAPTURED',
    );
    assert.equal(problem.errors[0].field, '/body/amount');
    await assertBalance();
    // Exactly what is left is allowed.
    const rest = await post('/payments/pay_2/refund', { amount: { amount: 350, currency: 'EUR' } });
    assert.equal(rest.statusCode, 200, rest.body);
    assert.equal(rest.json().refundable.amount, 0);
    expectedBalance += 350;
    await assertBalance();
    expectRejected(
      await post('/payments/pay_2/refund', { amount: { amount: 1, currency: 'EUR' } }),
      422,
      'REFUND_EXCEEDS_CAPTURED',
    );
  });

  test('money captured with nothing open stays as credit; apply-credit pays a later invoice', async () => {
    bss.clock.set('2025-04-20T09:00:00Z');
    const created = await post('/payments', {
      paymentId: 'pay_3',
      customerId: CUSTOMER,
      amount: { amount: 300, currency: 'EUR' },
      method: 'direct_debit',
    });
    assert.equal(created.statusCode, 201, created.body);
    const captured = (await post('/payments/pay_3/capture')).json();
    assert.equal(captured.applied.amount, 0);
    assert.equal(captured.unapplied.amount, 300);
    expectedBalance -= 300;
    await assertBalance();

    // The bill run does not spend credit by itself: the April invoice is issued in full.
    await billRun('2025-04-01', '2025-05-01', '2025-05-01T01:00:00Z');
    expectedBalance += APR;
    await assertBalance();
    assert.equal((await invoice(INV_APR)).outstanding.amount, APR);

    bss.clock.set('2025-05-02T09:00:00Z');
    const applied = await post('/payments/pay_3/apply-credit');
    assert.equal(applied.statusCode, 200, applied.body);
    assert.equal(applied.json().unapplied.amount, 0);
    const apr = await invoice(INV_APR);
    assert.equal(apr.outstanding.amount, APR - 300);
    assert.equal(apr.status, 'ISSUED');
    // Moving credit onto an invoice does not change what the customer owes.
    await assertBalance();
    const again = await post('/payments/pay_3/apply-credit');
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().allocations.length, 1);
    expectRejected(await post('/payments/pay_f0/apply-credit'), 404, 'PAYMENT_NOT_FOUND');
  });

  test('fail marks an authorized payment FAILED; the balance is untouched', async () => {
    bss.clock.set('2025-05-03T09:00:00Z');
    await post('/payments', {
      paymentId: 'pay_f',
      customerId: CUSTOMER,
      amount: { amount: 10, currency: 'EUR' },
      method: 'card',
    });
    const response = await post('/payments/pay_f/fail', { reason: 'card declined' });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().status, 'FAILED');
    assert.equal(response.json().failureReason, 'card declined');
    await assertBalance();
    expectRejected(await post('/payments/pay_f/capture'), 409, 'INVALID_TRANSITION');
    expectRejected(
      await post('/payments/pay_f/refund', { amount: { amount: 1, currency: 'EUR' } }),
      409,
      'INVALID_TRANSITION',
    );
  });

  test('GET and list payments: ETag, filters, cursor', async () => {
    const one = await get('/payments/pay_2');
    assert.equal(one.statusCode, 200);
    assert.equal(one.headers.etag, '"4"');
    const first = (await get(`/payments?customerId=${CUSTOMER}&limit=2`)).json();
    assert.deepEqual(
      first.items.map((p: { paymentId: string }) => p.paymentId),
      ['pay_1', 'pay_2'],
    );
    const rest = (await get(`/payments?customerId=${CUSTOMER}&cursor=${first.nextCursor}`)).json();
    assert.deepEqual(
      rest.items.map((p: { paymentId: string }) => p.paymentId),
      ['pay_3', 'pay_f'],
    );
    assert.equal(rest.nextCursor, null);
    const failed = (await get('/payments?status=FAILED')).json();
    assert.deepEqual(
      failed.items.map((p: { paymentId: string }) => p.paymentId),
      ['pay_f'],
    );
    expectRejected(await get('/payments/nope'), 404, 'NOT_FOUND');
    expectRejected(await get('/payments?status=LOST'), 400, 'VALIDATION_FAILED');
    expectRejected(await get('/payments?cursor=bogus'), 400, 'INVALID_CURSOR');
  });

  test('If-Match: a stale version is 412 and nothing happens', async () => {
    await post('/payments', {
      paymentId: 'pay_m',
      customerId: CUSTOMER,
      amount: { amount: 5, currency: 'EUR' },
      method: 'card',
    });
    expectRejected(await post('/payments/pay_m/capture', undefined, { 'if-match': '"7"' }), 412, 'PRECONDITION_FAILED');
    assert.equal((await get('/payments/pay_m')).json().status, 'AUTHORIZED');
    const ok = await post('/payments/pay_m/capture', undefined, { 'if-match': '"1"' });
    assert.equal(ok.statusCode, 200, ok.body);
    expectedBalance -= 5;
    await assertBalance();
  });

  test('money is integer minor units of a known currency; errors name the field', async () => {
    const base = { customerId: CUSTOMER, method: 'card' };
    const field = async (payload: object, status: number, code: string) => {
      const problem = expectRejected(await post('/payments', payload), status, code);
      return [...new Set(problem.errors.map((e: { field: string }) => e.field))];
    };
    assert.deepEqual(await field({ ...base, amount: { amount: 9.99, currency: 'EUR' } }, 400, 'VALIDATION_FAILED'), [
      '/body/amount/amount',
    ]);
    assert.deepEqual(await field({ ...base, amount: { amount: -5, currency: 'EUR' } }, 400, 'VALIDATION_FAILED'), [
      '/body/amount/amount',
    ]);
    assert.deepEqual(await field({ ...base, amount: { amount: 0, currency: 'EUR' } }, 400, 'VALIDATION_FAILED'), [
      '/body/amount/amount',
    ]);
    assert.deepEqual(await field({ ...base, amount: { amount: '5', currency: 'EUR' } }, 400, 'VALIDATION_FAILED'), [
      '/body/amount/amount',
    ]);
    assert.deepEqual(await field({ ...base, amount: { amount: 5, currency: 'XYZ' } }, 400, 'VALIDATION_FAILED'), [
      '/body/amount/currency',
    ]);
    assert.deepEqual(
      await field({ ...base, amount: { amount: 5, currency: 'EUR' }, tip: 1 }, 400, 'VALIDATION_FAILED'),
      ['/body/tip'],
    );
    assert.deepEqual(
      await field({ ...base, amount: { amount: 5, currency: 'EUR' }, method: 'cash' }, 400, 'VALIDATION_FAILED'),
      ['/body/method'],
    );
    // A known currency that is not the account's.
    assert.deepEqual(await field({ ...base, amount: { amount: 5, currency: 'USD' } }, 422, 'CURRENCY_MISMATCH'), [
      '/body/amount/currency',
    ]);
    assert.deepEqual(
      await field(
        { ...base, customerId: 'cus_nobody', amount: { amount: 5, currency: 'EUR' } },
        404,
        'CUSTOMER_NOT_FOUND',
      ),
      ['/body/customerId'],
    );
    expectRejected(
      await post('/payments/pay_2/refund', { amount: { amount: 5, currency: 'PLN' } }),
      422,
      'CURRENCY_MISMATCH',
    );
    expectRejected(
      await post('/payments/pay_2/refund', { amount: { amount: 1.5, currency: 'EUR' } }),
      400,
      'VALIDATION_FAILED',
    );
    expectRejected(await post('/payments/pay_2/fail', {}), 400, 'VALIDATION_FAILED');
    expectRejected(await post('/payments/nope/capture'), 404, 'PAYMENT_NOT_FOUND');
    expectRejected(
      await post('/payments/nope/refund', { amount: { amount: 1, currency: 'EUR' } }),
      404,
      'PAYMENT_NOT_FOUND',
    );
    expectRejected(await post('/payments/pay_1/capture', { extra: true }), 400, 'VALIDATION_FAILED');
    await assertBalance();
  });
});
