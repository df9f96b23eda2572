// The chaos suite's bounded profile (bench/chaos, `npm run chaos -- --profile short`): two instances
// on a private PostgreSQL, Redis and Kafka, open-loop writes with Idempotency-Keys, the five faults
// one at a time. Nothing acknowledged is lost or doubled, every instance writes again within 15 s of
// each fault's end, and the checks (log, read models, balances, time travel, instances) agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/observability/logger.ts';
import { runChaos } from '../../bench/chaos/run.ts';
import { PROFILES, failures } from '../../bench/chaos/chaos.ts';
import { checksText, faultTable } from '../../bench/chaos/report.ts';

test(
  'chaos, short profile: 0 lost, 0 doubled, recovery within 15 s, all checks agree',
  { timeout: 900_000 },
  async () => {
    const report = await runChaos({ ...PROFILES.short, brokers: 1, logger: createLogger('warn') });
    const text = `${faultTable(report)}\n\n${checksText(report)}`;
    assert.equal(report.faults.length, 5, text);
    assert.ok(report.acknowledged > 100, text);
    assert.deepEqual(failures(report), [], text);
  },
);
