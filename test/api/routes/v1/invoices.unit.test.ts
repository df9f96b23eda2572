// Bill runs and invoices through HTTP on the composed service: the run summary, reading and listing
// invoices (ETag, filters, cursor), overdue only after the due date, cancel by credit note with
// If-Match — and every rejection a documented 4xx.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { expectRejected } from '../../../support/problems.ts';
import { clockedApp, type ClockedApp } from '../../../support/clocked-app.ts';
import { balanceOf, givenCustomer, givenSubscription } from '../../../support/billing-fixtures.ts';

const MARCH = { from: '2025-03-01', to: '2025-04-01' };
// Full March on Basic v1 and on Business Data: the monthly prices.
const BASIC = 999;
const BUSINESS = 3900;

describe('invoices API', () => {
  let bss: ClockedApp;
  const post = (url: string, payload?: object, headers: Record<string, string> = {}) =>
    bss.request({ method: 'POST', url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });
  const get = (url: string) => bss.request({ method: 'GET', url: `/api/v1${url}` });

  before(async () => {
    bss = await clockedApp('2025-04-01T06:00:00Z');
    for (const [n, planId] of [
      ['a', 'basic'],
      ['b', 'basic'],
      ['c', 'business-data'],
    ] as const) {
      await givenCustomer(bss.app, `cus_${n}`, '2025-01-01T09:00:00Z');
      await givenSubscription(bss.app, {
        customerId: `cus_${n}`,
        subscriptionId: `sub_${n}`,
        planId,
        at: '2025-02-01T00:00:00Z',
      });
    }
  });
  after(() => bss.close());

  test('POST /billing/runs: 201 with the run summary; a second run skips everyone', async () => {
    const response = await post('/billing/runs', { period: MARCH, dueInDays: 10 });
    assert.equal(response.statusCode, 201, response.body);
    const summary = response.json();
    assert.match(summary.runId, /^run_[0-9a-f-]{36}$/);
    assert.deepEqual(summary.period, MARCH);
    assert.equal(summary.dueAt, '2025-04-11T06:00:00.000Z');
    assert.equal(summary.invoices, 3);
    assert.deepEqual(summary.totals, [{ amount: 2 * BASIC + BUSINESS, currency: 'EUR' }]);
    assert.deepEqual(summary.failures, []);

    const again = (await post('/billing/runs', { period: MARCH })).json();
    assert.equal(again.invoices, 0);
    assert.equal(again.skipped, 3);
  });

  test('POST /billing/runs rejects bad input with the field named', async () => {
    const fields = (problem: { errors?: { field: string }[] }) => [...new Set(problem.errors?.map((e) => e.field))];
    let problem = expectRejected(
      await post('/billing/runs', { period: { from: '2025-03-01', to: '2025-03-31' } }),
      422,
      'INVALID_PERIOD',
    );
    assert.deepEqual(fields(problem), ['/body/period/to']);
    // A day that does not exist, or after the 28th, is a schema rule now: 400 naming the field.
    problem = expectRejected(
      await post('/billing/runs', { period: { from: '2025-02-30', to: '2025-03-30' } }),
      400,
      'VALIDATION_FAILED',
    );
    assert.deepEqual(fields(problem), ['/body/period/from']);
    problem = expectRejected(
      await post('/billing/runs', { period: { from: '1 March', to: '2025-04-01' } }),
      400,
      'VALIDATION_FAILED',
    );
    assert.deepEqual(fields(problem), ['/body/period/from']);
    problem = expectRejected(await post('/billing/runs', { period: MARCH, dueInDays: 1.5 }), 400, 'VALIDATION_FAILED');
    assert.deepEqual(fields(problem), ['/body/dueInDays']);
    problem = expectRejected(await post('/billing/runs', { period: MARCH, maxCustomers: 0 }), 400, 'VALIDATION_FAILED');
    assert.deepEqual(fields(problem), ['/body/maxCustomers']);
    problem = expectRejected(await post('/billing/runs', { period: MARCH, force: true }), 400, 'VALIDATION_FAILED');
    assert.deepEqual(fields(problem), ['/body/force']);
    expectRejected(await post('/billing/runs', {}), 400, 'VALIDATION_FAILED');
    expectRejected(
      await post('/billing/runs', { period: { from: '2025-04-01', to: '2025-05-01' } }),
      409,
      'PERIOD_NOT_ENDED',
    );
  });

  test('GET /invoices/:id answers the invoice with its ETag; unknown ids are 404', async () => {
    const response = await get('/invoices/inv_cus_a_2025-03-01');
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers.etag, '"1"');
    const invoice = response.json();
    assert.equal(invoice.customerId, 'cus_a');
    assert.deepEqual(invoice.period, MARCH);
    assert.deepEqual(invoice.total, { amount: BASIC, currency: 'EUR' });
    assert.deepEqual(invoice.outstanding, invoice.total);
    assert.equal(invoice.dueAt, '2025-04-11T06:00:00.000Z');
    assert.equal(invoice.lines.length, 1);
    assert.equal(invoice.lines[0].kind, 'recurring');
    assert.equal(invoice.lines[0].activeDays, 31);
    expectRejected(await get('/invoices/inv_nobody'), 404, 'NOT_FOUND');
  });

  test('GET /invoices filters by customer and status and pages with a cursor', async () => {
    const byCustomer = (await get('/invoices?customerId=cus_c')).json();
    assert.deepEqual(
      byCustomer.items.map((i: { invoiceId: string }) => i.invoiceId),
      ['inv_cus_c_2025-03-01'],
    );
    const first = (await get('/invoices?status=ISSUED&limit=2')).json();
    assert.equal(first.items.length, 2);
    assert.ok(first.nextCursor);
    const rest = (await get(`/invoices?status=ISSUED&limit=2&cursor=${first.nextCursor}`)).json();
    assert.equal(rest.items.length, 1);
    assert.equal(rest.nextCursor, null);
    assert.equal((await get('/invoices?status=PAID')).json().items.length, 0);
    expectRejected(await get('/invoices?status=OPEN'), 400, 'VALIDATION_FAILED');
    expectRejected(await get('/invoices?limit=0'), 400, 'VALIDATION_FAILED');
    expectRejected(await get('/invoices?colour=red'), 400, 'VALIDATION_FAILED');
  });

  test('overdue: 409 NOT_YET_DUE until the due date has passed, then OVERDUE once', async () => {
    const url = '/invoices/inv_cus_a_2025-03-01/overdue';
    bss.clock.set('2025-04-11T06:00:00Z');
    expectRejected(await post(url), 409, 'NOT_YET_DUE');
    bss.clock.set('2025-04-11T06:00:01Z');
    const response = await post(url);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().status, 'OVERDUE');
    assert.equal(response.headers.etag, '"2"');
    expectRejected(await post(url), 409, 'INVALID_TRANSITION');
    expectRejected(await post('/invoices/inv_nobody/overdue'), 404, 'INVOICE_NOT_FOUND');
    expectRejected(await post('/invoices/inv_cus_b_2025-03-01/overdue', { now: true }), 400, 'VALIDATION_FAILED');
  });

  test('cancel: If-Match honoured, credit note issued, the balance drops by the total', async () => {
    bss.clock.set('2025-04-12T08:00:00Z');
    const url = '/invoices/inv_cus_a_2025-03-01/cancel';
    expectRejected(await post(url, { reason: 'billing error' }, { 'if-match': '"1"' }), 412, 'PRECONDITION_FAILED');
    expectRejected(await post(url, { reason: 'billing error' }, { 'if-match': 'v2' }), 400, 'INVALID_IF_MATCH');
    expectRejected(await post(url, {}), 400, 'VALIDATION_FAILED');
    expectRejected(await post(url, { reason: '' }), 400, 'VALIDATION_FAILED');
    assert.equal((await balanceOf(bss.app, 'cus_a'))?.balance, BASIC);

    const response = await post(url, { reason: 'billing error' }, { 'if-match': '"2"' });
    assert.equal(response.statusCode, 200, response.body);
    const invoice = response.json();
    assert.equal(invoice.status, 'CANCELLED');
    assert.equal(invoice.creditNoteId, 'cn_inv_cus_a_2025-03-01');
    assert.equal(response.headers.etag, '"3"');
    const balance = await balanceOf(bss.app, 'cus_a');
    assert.equal(balance?.invoiced, 0);
    assert.equal(balance?.balance, 0);
    expectRejected(await post(url, { reason: 'again' }), 409, 'INVALID_TRANSITION');
    expectRejected(await post('/invoices/inv_nobody/cancel', { reason: 'x' }), 404, 'INVOICE_NOT_FOUND');
  });

  test('an invoice with money applied cannot be cancelled (409 INVOICE_HAS_PAYMENTS)', async () => {
    const created = await post('/payments', {
      paymentId: 'pay_b',
      customerId: 'cus_b',
      amount: { amount: 100, currency: 'EUR' },
      method: 'card',
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal((await post('/payments/pay_b/capture')).statusCode, 200);
    const invoice = (await get('/invoices/inv_cus_b_2025-03-01')).json();
    assert.equal(invoice.paid.amount, 100);
    assert.equal(invoice.outstanding.amount, BASIC - 100);
    expectRejected(await post('/invoices/inv_cus_b_2025-03-01/cancel', { reason: 'x' }), 409, 'INVOICE_HAS_PAYMENTS');
    assert.equal((await balanceOf(bss.app, 'cus_b'))?.balance, BASIC - 100);
  });
});
