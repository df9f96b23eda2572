// Duplicate emails on embedded PGlite (the PostgreSQL run with two instances is the .int test).
import { after, before, test } from 'node:test';
import { composedApp, type ComposedApp } from '../../support/composed-app.ts';
import { concurrentCreates, duplicateEmailRules } from './email-claims-scenario.ts';

let bss: ComposedApp;
before(async () => {
  bss = await composedApp();
});
after(() => bss.close());

const send: Parameters<typeof duplicateEmailRules>[0] = (options) =>
  bss.app.inject({ ...options, headers: bss.as('operator') });

test('PGlite: one customer per email unless allowed; email changes claim the new address', () =>
  duplicateEmailRules(send, 'pgl_'));

test('PGlite: two creates with one email at once give one 201 and one 409 EMAIL_TAKEN', () =>
  concurrentCreates([send, send], 'pgl_', 5));
