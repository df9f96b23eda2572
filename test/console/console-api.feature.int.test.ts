// Customer search on PostgreSQL (the same cases as on PGlite in console-api.feature.unit.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composedApp } from '../support/composed-app.ts';
import { requireEnv, uniqueName } from '../support/env.ts';
import { searchCases, seedSearchCustomers } from './search-fixtures.ts';

test('PostgreSQL: customer search by id, email or name, wildcards escaped', async () => {
  const bss = await composedApp({
    BSS_DATABASE_URL: requireEnv('BSS_DATABASE_URL'),
    BSS_DATABASE_SCHEMA: uniqueName('console_search'),
  });
  try {
    await seedSearchCustomers(bss.app, bss.as('operator'));
    for (const { q, expected } of searchCases) {
      const response = await bss.app.inject({
        url: `/api/v1/customers/search?q=${encodeURIComponent(q)}`,
        headers: bss.as('viewer'),
      });
      assert.equal(response.statusCode, 200, response.body);
      const ids = (response.json().items as { customerId: string }[]).map((c) => c.customerId).sort();
      assert.deepEqual(ids, expected, `q=${q}`);
    }
  } finally {
    await bss.close();
  }
});
