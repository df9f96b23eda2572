// Duplicate emails on embedded PGlite (the PostgreSQL run with two instances is the .int test).
import { test } from 'node:test';
import { composedAppPerFile } from '../../support/composed-app.ts';
import { concurrentCreates, duplicateEmailRules } from './email-claims-scenario.ts';

const bss = composedAppPerFile();

const send: Parameters<typeof duplicateEmailRules>[0] = (options) =>
  bss.app.inject({ ...options, headers: bss.as('operator') });

test('PGlite: one customer per email unless allowed; email changes claim the new address', () =>
  duplicateEmailRules(send, 'pgl_'));

test('PGlite: two creates with one email at once give one 201 and one 409 EMAIL_TAKEN', () =>
  concurrentCreates([send, send], 'pgl_', 5));
