// Issue 12, defect 7: bss_errors_total{component="pglite"} counts database failures only. A command
// refused with 404 or 422 rolls its transaction back, but that is the API's answer, not a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composedAppPerFile } from '../support/composed-app.ts';

const bss = composedAppPerFile();

const databaseErrors = async () => {
  const metric = await bss.services.registry.getSingleMetric('bss_errors_total')?.get();
  return (metric?.values ?? []).filter((v) => v.labels['component'] === 'pglite');
};
const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
  bss.app.inject({ method, url: `/api/v1${url}`, headers: bss.as('admin'), ...(payload ? { payload } : {}) });

test('404 and 422 answers are not database errors; a failed query is one', async () => {
  assert.equal((await call('GET', '/customers/nobody')).statusCode, 404);
  assert.equal((await call('POST', '/customers/nobody/suspend', { reason: 'x' })).statusCode, 404);
  assert.equal((await call('POST', '/orders/ord_nobody/approve')).statusCode, 404);
  const unknownPlan = await call('POST', '/orders', { customerId: 'nobody', items: [{ planId: 'basic' }] });
  assert.ok([404, 422].includes(unknownPlan.statusCode), unknownPlan.body);
  assert.deepEqual(await databaseErrors(), []);

  await assert.rejects(bss.services.db.query('SELECT * FROM no_such_table'));
  const errors = await databaseErrors();
  assert.deepEqual(
    errors.map((v) => [v.labels['code'], v.value]),
    [['42P01', 1]],
  );
});
