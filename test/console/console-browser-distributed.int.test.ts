// The console's browser suites against the real service in distributed mode: PostgreSQL and Kafka
// (a schema and a topic prefix of this run's own), the addresses from scripts/services.sh env.
import { after, before } from 'node:test';
import { startHarness, type Harness } from './support/harness.ts';
import { coreSuite } from './support/core-suite.ts';
import { operationsSuite } from './support/operations-suite.ts';

let harness: Harness;
before(async () => {
  harness = await startHarness('distributed');
});
after(() => harness?.stop());

coreSuite(() => harness);
operationsSuite(() => harness);
