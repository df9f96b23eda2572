// Date ranges on every list: createdFrom (inclusive) / createdTo (exclusive) and updatedFrom /
// updatedTo filter by the row's first and last event time; dates and date-times with offset are
// accepted, impossible dates and reversed ranges are 400 naming the field.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clockedApp, type ClockedApp } from '../../support/clocked-app.ts';
import { givenCustomer, givenSubscription } from '../../support/billing-fixtures.ts';

const LISTS = ['/customers', '/orders', '/subscriptions', '/usage', '/invoices', '/payments'];

describe('list date ranges', () => {
  let bss: ClockedApp;
  const get = (url: string) => bss.request({ method: 'GET', url: `/api/v1${url}` });
  const ids = async (url: string) =>
    (await get(url)).json().items.map((c: { customerId: string; orderId?: string }) => c.orderId ?? c.customerId);

  before(async () => {
    bss = await clockedApp('2025-03-01T00:00:00Z');
    await givenCustomer(bss.app, 'cus_jan', '2025-01-10T09:00:00Z');
    await givenCustomer(bss.app, 'cus_feb', '2025-02-10T09:00:00Z');
    await givenSubscription(bss.app, {
      customerId: 'cus_jan',
      subscriptionId: 'sub_jan',
      planId: 'basic',
      at: '2025-02-20T00:00:00Z',
    });
  });
  after(() => bss.close());

  test('created and updated ranges select by first and last event time', async () => {
    assert.deepEqual(await ids('/customers?createdFrom=2025-02-01'), ['cus_feb']);
    assert.deepEqual(await ids('/customers?createdTo=2025-02-10T09:00:00Z'), ['cus_jan']);
    assert.deepEqual(await ids('/customers?createdFrom=2025-01-01&createdTo=2025-03-01'), ['cus_jan', 'cus_feb']);
    // The order of cus_jan changed the customer's balance row only; the customer row last changed in January.
    assert.deepEqual(await ids('/customers?updatedTo=2025-02-01'), ['cus_jan']);
    assert.deepEqual(await ids('/orders?createdFrom=2025-02-20T01:00:00%2B01:00'), ['ord_sub_jan']);
    assert.deepEqual(await ids('/orders?updatedTo=2025-02-20'), []);
  });

  test('every list takes the four parameters and refuses bad ones naming the field', async () => {
    for (const list of LISTS) {
      const ok = await get(
        `${list}?createdFrom=2025-01-01&createdTo=2025-12-31&updatedFrom=2025-01-01&updatedTo=2026-01-01`,
      );
      assert.equal(ok.statusCode, 200, `${list}: ${ok.body}`);
      for (const [query, field] of [
        ['createdFrom=2025-02-30', 'createdFrom'],
        ['updatedTo=2025-13-01', 'updatedTo'],
        ['createdFrom=0000-01-01', 'createdFrom'],
        ['updatedFrom=2025-03-01&updatedTo=2025-02-01', 'updatedTo'],
        ['createdTo=yesterday', 'createdTo'],
      ] as const) {
        const response = await get(`${list}?${query}`);
        assert.equal(response.statusCode, 400, `${list}?${query}: ${response.body}`);
        assert.deepEqual(
          response.json().errors.map((e: { field: string }) => e.field),
          [`/querystring/${field}`],
          `${list}?${query}`,
        );
      }
    }
  });
});
