// The console in a real browser (Debian's chromium through playwright-core) against the real service
// process on embedded defaults (PGlite, in-process log). The same suites run on PostgreSQL + Kafka in
// console-browser-distributed.int.test.ts.
import { after, before } from 'node:test';
import { startHarness, type Harness } from './support/harness.ts';
import { coreSuite } from './support/core-suite.ts';
import { operationsSuite } from './support/operations-suite.ts';

let harness: Harness;
before(async () => {
  harness = await startHarness('embedded');
});
after(() => harness?.stop());

coreSuite(() => harness);
operationsSuite(() => harness);
