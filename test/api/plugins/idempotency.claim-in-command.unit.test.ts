// Keys claimed inside the command's transaction, on embedded PGlite (on PostgreSQL: the .int test).
import { test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { composedAppPerFile } from '../../support/composed-app.ts';
import { claimInCommandScenario, concurrentRetries } from '../../support/claim-in-command.ts';

const bss = composedAppPerFile();

test('PGlite: POST /usage claims its key in its command: replay, reuse, a 400, takeover, in progress', () =>
  claimInCommandScenario(bss, randomUUID()));

test('PGlite: concurrent retries of one keyed usage post run it once', () => concurrentRetries(bss, randomUUID()));
