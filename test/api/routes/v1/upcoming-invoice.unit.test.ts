// The upcoming invoice: mid-period it shows what the customer owes so far, priced by the bill run's own
// code, so the invoice the run issues after the period ends has exactly the previewed lines and total.
// The preview stores nothing and writes no event; its refusals are documented 4xx.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clockedApp, type ClockedApp } from '../../../support/clocked-app.ts';
import { eventCount, givenCustomer, givenSubscription, givenUsage } from '../../../support/billing-fixtures.ts';

const MARCH = { from: '2025-03-01', to: '2025-04-01' };

describe('upcoming invoice', () => {
  let bss: ClockedApp;
  const get = (url: string) => bss.request({ method: 'GET', url: `/api/v1${url}` });

  before(async () => {
    bss = await clockedApp('2025-03-20T12:00:00Z');
    await givenCustomer(bss.app, 'cus_up', '2025-02-01T09:00:00Z');
    await givenCustomer(bss.app, 'cus_idle', '2025-02-01T09:00:00Z');
    await givenSubscription(bss.app, {
      customerId: 'cus_up',
      subscriptionId: 'sub_up',
      planId: 'basic',
      at: '2025-03-10T15:00:00Z',
    });
    for (const [recordId, usageType, quantity] of [
      ['u1', 'voice', 125],
      ['u2', 'sms', 2],
      ['u3', 'data', 3000],
    ] as const) {
      await givenUsage(bss.app, {
        recordId,
        subscriptionId: 'sub_up',
        usageType,
        quantity,
        startedAt: '2025-03-15T10:00:00Z',
        at: '2025-03-15T10:05:00Z',
      });
    }
  });
  after(() => bss.close());

  test('mid-period: the lines so far, no event written; after the period the run issues the same lines', async () => {
    const events = await eventCount(bss.app);
    const response = await get('/customers/cus_up/invoices/upcoming');
    assert.equal(response.statusCode, 200, response.body);
    const preview = response.json();
    assert.deepEqual(preview.period, MARCH);
    assert.equal(preview.asOf, '2025-03-20T12:00:00Z');
    assert.equal(preview.invoiceId, 'inv_cus_up_2025-03-01');
    assert.deepEqual(
      preview.lines.map((l: { kind: string; usageType?: string }) => l.usageType ?? l.kind),
      ['recurring', 'voice', 'sms', 'data'],
    );
    // 10..31 March: 22 of 31 days of Basic's 9.99.
    assert.equal(preview.lines[0].activeDays, 22);
    assert.equal(await eventCount(bss.app), events, 'a preview writes no event');
    assert.equal((await get('/invoices')).json().items.length, 0, 'and stores no invoice');

    bss.clock.set('2025-04-01T06:00:00Z');
    const run = await bss.request({ method: 'POST', url: '/api/v1/billing/runs', payload: { period: MARCH } });
    assert.equal(run.statusCode, 201, run.body);
    const issued = (await get(`/invoices/${preview.invoiceId}`)).json();
    assert.deepEqual(issued.lines, preview.lines);
    assert.deepEqual(issued.total, preview.total);
    assert.equal(issued.currency, preview.currency);
  });

  test('refusals: unknown customer 404, nothing to bill 404, a period not open 409, bad date 400', async () => {
    bss.clock.set('2025-04-02T00:00:00Z');
    const problem = async (url: string, status: number, code: string) => {
      const response = await get(url);
      assert.equal(response.statusCode, status, response.body);
      assert.equal(response.json().code, code);
      return response.json();
    };
    await problem('/customers/cus_nobody/invoices/upcoming', 404, 'CUSTOMER_NOT_FOUND');
    await problem('/customers/cus_idle/invoices/upcoming', 404, 'NO_UPCOMING_INVOICE');
    await problem('/customers/cus_up/invoices/upcoming?periodFrom=2025-03-01', 409, 'PERIOD_NOT_OPEN');
    const bad = await problem('/customers/cus_up/invoices/upcoming?periodFrom=2025-03-30', 400, 'VALIDATION_FAILED');
    assert.equal(bad.errors[0].field, '/querystring/periodFrom');
    // April so far: the fee for the whole month is due whatever the day (the subscription stays active).
    const april = (await get('/customers/cus_up/invoices/upcoming?periodFrom=2025-04-01')).json();
    assert.deepEqual(april.period, { from: '2025-04-01', to: '2025-05-01' });
    assert.equal(april.lines.length, 1);
  });

  test('billing the open period answers PERIOD_NOT_ENDED pointing to the preview and the test clock', async () => {
    const response = await bss.request({
      method: 'POST',
      url: '/api/v1/billing/runs',
      payload: { period: { from: '2025-04-01', to: '2025-05-01' } },
    });
    assert.equal(response.statusCode, 409);
    const { code, detail } = response.json();
    assert.equal(code, 'PERIOD_NOT_ENDED');
    assert.match(detail, /\/invoices\/upcoming/);
    assert.match(detail, /BSS_TEST_CLOCK/);
    assert.match(detail, /PUT \/api\/v1\/test-clock/);
  });
});
