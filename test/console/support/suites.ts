// Both browser suites against one service of a mode, started before them and stopped after.
import { after, before } from 'node:test';
import { startHarness, type Harness, type Mode } from './harness.ts';
import { coreSuite } from './core-suite.ts';
import { operationsSuite } from './operations-suite.ts';
import { groupElsewhereSuite } from './group-elsewhere-suite.ts';

export function consoleSuites(mode: Mode): void {
  let harness: Harness;
  before(async () => {
    harness = await startHarness(mode);
  });
  after(() => harness?.stop());
  coreSuite(() => harness);
  operationsSuite(() => harness);
  // A member on another instance needs a log the test can join from outside the service: Kafka.
  if (mode === 'distributed') groupElsewhereSuite(() => harness);
}
