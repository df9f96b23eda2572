// Customer search on PostgreSQL (the same cases as on PGlite in console-api.feature.unit.test.ts).
import { test } from 'node:test';
import { composedApp } from '../support/composed-app.ts';
import { requireEnv, uniqueName } from '../support/env.ts';
import { assertSearchCases, seedSearchCustomers } from './search-fixtures.ts';

test('PostgreSQL: customer search by id, email or name, wildcards escaped', async () => {
  const bss = await composedApp({
    BSS_DATABASE_URL: requireEnv('BSS_DATABASE_URL'),
    BSS_DATABASE_SCHEMA: uniqueName('console_search'),
  });
  try {
    await seedSearchCustomers(bss.app, bss.as('operator'));
    await assertSearchCases(bss.app, bss.as('viewer'));
  } finally {
    await bss.close();
  }
});
