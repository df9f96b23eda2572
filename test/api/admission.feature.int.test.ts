// Admission control on PostgreSQL (single-server mode), in a schema of its own.
import { test } from 'node:test';
import { composedApp } from '../support/composed-app.ts';
import { requireEnv, uniqueName } from '../support/env.ts';
import { burstIsShedAndRetriesLoseNothing, TINY_QUEUE } from './admission-scenario.ts';

test('PostgreSQL: a burst past the write limit gets 503 + Retry-After; retries with their keys lose and double nothing', async () => {
  const schema = uniqueName('api_admission');
  const bss = await composedApp({
    ...TINY_QUEUE,
    BSS_DATABASE_URL: requireEnv('BSS_DATABASE_URL'),
    BSS_DATABASE_SCHEMA: schema,
  });
  try {
    await burstIsShedAndRetriesLoseNothing(bss);
  } finally {
    await bss.services.db.query(`DROP SCHEMA "${schema}" CASCADE`);
    await bss.close();
  }
});
