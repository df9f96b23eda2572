// Paying one named invoice: the payment is authorized, captured and applied to that invoice alone (the
// events are in the log), the invoice and the balance follow; a paid or cancelled invoice is 409, more
// than is open or another currency is 422, and a refused payment writes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApiKey } from '../../../../src/application/auth/api-keys.ts';
import { clockedApp, type ClockedApp } from '../../../support/clocked-app.ts';
import { eventCount, givenCustomer, givenSubscription } from '../../../support/billing-fixtures.ts';

const MARCH = { from: '2025-03-01', to: '2025-04-01' };
const BASIC = 999; // EUR 9.99, the whole of March on Basic v1

describe('pay an invoice', () => {
  let bss: ClockedApp;
  const get = (url: string) => bss.request({ method: 'GET', url: `/api/v1${url}` });
  const pay = (invoiceId: string, payload: object) =>
    bss.request({ method: 'POST', url: `/api/v1/invoices/${invoiceId}/payments`, payload });
  const refused = async (invoiceId: string, payload: object, status: number, code: string) => {
    const events = await eventCount(bss.app);
    const response = await pay(invoiceId, payload);
    assert.equal(response.statusCode, status, response.body);
    assert.equal(response.json().code, code);
    assert.equal(await eventCount(bss.app), events, `${code} writes no event`);
  };

  before(async () => {
    bss = await clockedApp('2025-04-01T06:00:00Z');
    for (const n of ['a', 'b', 'c']) {
      await givenCustomer(bss.app, `cus_${n}`, '2025-01-01T09:00:00Z');
      await givenSubscription(bss.app, {
        customerId: `cus_${n}`,
        subscriptionId: `sub_${n}`,
        planId: 'basic',
        at: '2025-02-01T00:00:00Z',
      });
    }
    const run = await bss.request({ method: 'POST', url: '/api/v1/billing/runs', payload: { period: MARCH } });
    assert.equal(run.statusCode, 201, run.body);
    bss.clock.set('2025-04-02T10:00:00Z');
  });
  after(() => bss.close());

  test('part, then the rest: the invoice is PAID, the balance settled, the events in the log', async () => {
    const invoiceId = 'inv_cus_a_2025-03-01';
    const part = await pay(invoiceId, {
      paymentId: 'pay_part',
      amount: { amount: 400, currency: 'EUR' },
      method: 'card',
    });
    assert.equal(part.statusCode, 201, part.body);
    assert.equal(part.headers.location, '/api/v1/payments/pay_part');
    const payment = part.json();
    assert.equal(payment.status, 'CAPTURED');
    assert.deepEqual(payment.allocations, [
      { invoiceId, amount: { amount: 400, currency: 'EUR' }, at: '2025-04-02T10:00:00Z' },
    ]);
    assert.deepEqual(payment.unapplied, { amount: 0, currency: 'EUR' });
    let invoice = (await get(`/invoices/${invoiceId}`)).json();
    assert.equal(invoice.status, 'ISSUED');
    assert.deepEqual(invoice.outstanding, { amount: BASIC - 400, currency: 'EUR' });
    assert.deepEqual((await get('/customers/cus_a/balance')).json().balance, { amount: BASIC - 400, currency: 'EUR' });

    // No amount: what is open.
    const rest = await pay(invoiceId, { paymentId: 'pay_rest', method: 'bank_transfer', reference: 'transfer 7' });
    assert.equal(rest.statusCode, 201, rest.body);
    assert.deepEqual(rest.json().amount, { amount: BASIC - 400, currency: 'EUR' });
    invoice = (await get(`/invoices/${invoiceId}`)).json();
    assert.equal(invoice.status, 'PAID');
    assert.deepEqual(invoice.outstanding, { amount: 0, currency: 'EUR' });
    assert.deepEqual((await get('/customers/cus_a/balance')).json().balance, { amount: 0, currency: 'EUR' });

    const { rows } = await bss.app.db.query<{ value: string }>(
      `SELECT value FROM event_log WHERE value LIKE '%pay\\_rest%' ORDER BY ts, "offset"`,
    );
    const types = rows.map((row) => String(JSON.parse(row.value).type).replace(/^.*?(payment|invoice)\./, '$1.'));
    assert.deepEqual(types.sort(), [
      'invoice.paid.v1',
      'payment.applied.v1',
      'payment.authorized.v1',
      'payment.captured.v1',
    ]);

    await refused(invoiceId, { method: 'card' }, 409, 'INVOICE_NOT_OPEN');
  });

  test('refusals: more than is open, another currency, an unknown or cancelled invoice, a reused id', async () => {
    await refused(
      'inv_cus_b_2025-03-01',
      { amount: { amount: BASIC + 1, currency: 'EUR' }, method: 'card' },
      422,
      'AMOUNT_EXCEEDS_OUTSTANDING',
    );
    await refused(
      'inv_cus_b_2025-03-01',
      { amount: { amount: 100, currency: 'PLN' }, method: 'card' },
      422,
      'CURRENCY_MISMATCH',
    );
    await refused('inv_nope', { method: 'card' }, 404, 'INVOICE_NOT_FOUND');
    await refused('inv_cus_b_2025-03-01', { paymentId: 'pay_part', method: 'card' }, 409, 'PAYMENT_ALREADY_EXISTS');
    const bad = await pay('inv_cus_b_2025-03-01', { method: 'cash' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().errors[0].field, '/body/method');

    const cancel = await bss.request({
      method: 'POST',
      url: '/api/v1/invoices/inv_cus_c_2025-03-01/cancel',
      payload: { reason: 'goodwill' },
    });
    assert.equal(cancel.statusCode, 200, cancel.body);
    await refused('inv_cus_c_2025-03-01', { method: 'card' }, 409, 'INVOICE_NOT_OPEN');
  });

  test('paying needs the operator role: a viewer gets 403', async () => {
    const viewer = await createApiKey(bss.composed.db, 'viewer', 'pay-invoice viewer');
    const response = await bss.request({
      method: 'POST',
      url: '/api/v1/invoices/inv_cus_b_2025-03-01/payments',
      payload: { method: 'card' },
      headers: { 'x-api-key': viewer.plaintext },
    });
    assert.equal(response.statusCode, 403, response.body);
  });
});
