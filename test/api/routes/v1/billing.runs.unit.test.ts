// The history of bill runs: every call of POST /billing/runs is listed newest first with the invoice
// ids it issued, pages by cursor, filters by period and creation time, and reads by id.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clockedApp, type ClockedApp } from '../../../support/clocked-app.ts';
import { givenCustomer, givenSubscription } from '../../../support/billing-fixtures.ts';

const FEB = { from: '2025-02-01', to: '2025-03-01' };
const MARCH = { from: '2025-03-01', to: '2025-04-01' };

describe('bill run history', () => {
  let bss: ClockedApp;
  const get = (url: string) => bss.request({ method: 'GET', url: `/api/v1${url}` });
  const run = async (payload: object) => {
    const response = await bss.request({ method: 'POST', url: '/api/v1/billing/runs', payload });
    assert.equal(response.statusCode, 201, response.body);
    return response.json();
  };
  const runs: Array<{ runId: string; invoiceIds: string[] }> = [];

  before(async () => {
    bss = await clockedApp('2025-03-02T08:00:00Z');
    for (const n of ['a', 'b']) {
      await givenCustomer(bss.app, `cus_${n}`, '2025-01-01T09:00:00Z');
      await givenSubscription(bss.app, {
        customerId: `cus_${n}`,
        subscriptionId: `sub_${n}`,
        planId: 'basic',
        at: '2025-01-15T00:00:00Z',
      });
    }
    runs.push(await run({ period: FEB }));
    bss.clock.set('2025-04-01T08:00:00Z');
    // March in two calls of one customer each: two entries.
    const first = await run({ period: MARCH, maxCustomers: 1 });
    runs.push(first, await run({ period: MARCH, resumeAfter: first.resumeAfter }));
  });
  after(() => bss.close());

  test('each call is listed newest first with the invoice ids it issued', async () => {
    assert.deepEqual(runs[0]?.invoiceIds, ['inv_cus_a_2025-02-01', 'inv_cus_b_2025-02-01']);
    const page = (await get('/billing/runs')).json();
    assert.deepEqual(
      page.items.map((r: { runId: string }) => r.runId),
      runs.map((r) => r.runId).reverse(),
    );
    assert.deepEqual(page.items[0].invoiceIds, ['inv_cus_b_2025-03-01']);
    assert.deepEqual(page.items[1].invoiceIds, ['inv_cus_a_2025-03-01']);
    assert.equal(page.nextCursor, null);
    const invoices = (await get('/invoices?limit=200')).json().items.map((i: { invoiceId: string }) => i.invoiceId);
    for (const id of page.items.flatMap((r: { invoiceIds: string[] }) => r.invoiceIds))
      assert.ok(invoices.includes(id));
  });

  test('cursor pages, period and created filters, one run by id, 404 and 400 naming the field', async () => {
    const one = (await get('/billing/runs?limit=1')).json();
    assert.equal(one.items.length, 1);
    const next = (await get(`/billing/runs?limit=2&cursor=${one.nextCursor}`)).json();
    assert.deepEqual(
      [...one.items, ...next.items].map((r: { runId: string }) => r.runId),
      runs.map((r) => r.runId).reverse(),
    );
    assert.equal(next.nextCursor, null);

    const feb = (await get('/billing/runs?periodFrom=2025-02-01')).json();
    assert.deepEqual(
      feb.items.map((r: { runId: string }) => r.runId),
      [runs[0]?.runId],
    );
    const before = (await get('/billing/runs?createdTo=2025-04-01')).json();
    assert.deepEqual(
      before.items.map((r: { runId: string }) => r.runId),
      [runs[0]?.runId],
    );
    assert.equal((await get('/billing/runs?createdFrom=2025-04-01T08:00:00Z')).json().items.length, 2);

    const byId = await get(`/billing/runs/${runs[1]?.runId}`);
    assert.equal(byId.statusCode, 200);
    assert.deepEqual(byId.json(), runs[1]);
    assert.equal((await get('/billing/runs/run_nope')).statusCode, 404);

    const bad = await get('/billing/runs?createdFrom=2025-04-02&createdTo=2025-04-01');
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().errors, [
      { field: '/querystring/createdTo', message: 'must not be before createdFrom' },
    ]);
  });
});
