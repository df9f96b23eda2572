// On PostgreSQL: a retry taking over the claim of a request that committed and died gets the request's
// result from the claim's row (written in the command's transaction), without a second commit.
import { test } from 'node:test';
import { composedApp } from '../../support/composed-app.ts';
import { takeoverAfterCommit } from '../../support/idempotency-takeover.ts';
import { requireEnv, uniqueName } from '../../support/env.ts';

test('PostgreSQL: takeover after commit replays the committed result, applies nothing twice', async () => {
  const schema = uniqueName('idem_takeover');
  const bss = await composedApp({ BSS_DATABASE_URL: requireEnv('BSS_DATABASE_URL'), BSS_DATABASE_SCHEMA: schema });
  try {
    await takeoverAfterCommit(bss, schema);
  } finally {
    await bss.services.db.query(`DROP SCHEMA "${schema}" CASCADE`);
    await bss.close();
  }
});
