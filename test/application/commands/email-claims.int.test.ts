// Duplicate emails on PostgreSQL, with two instances on one schema racing their creates: each race
// gives one 201 and one 409 EMAIL_TAKEN (the claim's primary key settles it), never a 5xx.
import { after, before, test } from 'node:test';
import { composedApp, type ComposedApp } from '../../support/composed-app.ts';
import { requireEnv, uniqueName } from '../../support/env.ts';
import { concurrentCreates, duplicateEmailRules } from './email-claims-scenario.ts';

const schema = uniqueName('dup_email');
let first: ComposedApp;
let second: ComposedApp;
before(async () => {
  const env = { BSS_DATABASE_URL: requireEnv('BSS_DATABASE_URL'), BSS_DATABASE_SCHEMA: schema };
  first = await composedApp(env);
  second = await composedApp(env);
});
after(async () => {
  await first.services.db.query(`DROP SCHEMA "${schema}" CASCADE`);
  await second.close();
  await first.close();
});

const via =
  (bss: () => ComposedApp): Parameters<typeof duplicateEmailRules>[0] =>
  (options) =>
    bss().app.inject({ ...options, headers: bss().as('operator') });

test('PostgreSQL: one customer per email unless allowed; email changes claim the new address', () =>
  duplicateEmailRules(
    via(() => first),
    'pg_',
  ));

test('PostgreSQL: two instances creating with one email at once give one 201 and one 409', () =>
  concurrentCreates([via(() => first), via(() => second)], 'pg_', 10));
