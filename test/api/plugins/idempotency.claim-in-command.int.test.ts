// Keys claimed inside the command's transaction on PostgreSQL, where retries run on several connections at once.
import { after, before, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { composedApp, type ComposedApp } from '../../support/composed-app.ts';
import { requireEnv, uniqueName } from '../../support/env.ts';
import { claimInCommandScenario, concurrentRetries } from '../../support/claim-in-command.ts';

const schema = uniqueName('claim_in_command');
let bss: ComposedApp;
before(async () => {
  bss = await composedApp({ BSS_DATABASE_URL: requireEnv('BSS_DATABASE_URL'), BSS_DATABASE_SCHEMA: schema });
});
after(async () => {
  await bss.services.db.query(`DROP SCHEMA "${schema}" CASCADE`);
  await bss.close();
});

test('PostgreSQL: POST /usage claims its key in its command: replay, reuse, a 400, takeover, in progress', () =>
  claimInCommandScenario(bss, randomUUID()));

test('PostgreSQL: concurrent retries of one keyed usage post run it once', async () => {
  for (let i = 0; i < 5; i++) await concurrentRetries(bss, randomUUID());
});
