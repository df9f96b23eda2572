// scripts/prune-topics.ts on the real broker: a run id older than the limit goes, a recent one and a
// name without a run id stay.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Admin } from '@platformatic/kafka';
import { pruneTopics, runStartedAt } from '../../scripts/prune-topics.ts';
import { requireEnv } from '../support/env.ts';

const brokers = requireEnv('BSS_KAFKA_BROKERS');
const admin = new Admin({ clientId: 'bss-test-prune', bootstrapBrokers: brokers.split(',') });
const HOUR = 3_600_000;
const runId = (ms: number) => `${ms.toString(36)}-${randomBytes(3).toString('hex')}`;
const old = `prunetest-${runId(Date.now() - 4 * HOUR)}.bss.events`;
const recent = `prunetest-${runId(Date.now())}.bss.events`;

after(async () => {
  await admin.deleteTopics({ topics: [recent] }).catch(() => undefined);
  await admin.close();
});

test('run ids as the tests and benches write them are read; names without one are not', () => {
  const at = Date.UTC(2026, 11, 7, 12);
  assert.equal(runStartedAt(`journey-${at.toString(36)}-54cb61d5-3`), at);
  assert.equal(runStartedAt(`bench_wp_${at.toString(36)}_f116a6.bss.events`), at);
  for (const name of ['bss.events', 'stmtlog.bss.events', 'idleprobebss.usage.mediation.dlq', 'abcdefgh-123456'])
    assert.equal(runStartedAt(name), undefined, name);
});

test('topics of runs older than the limit are deleted, recent ones kept', async () => {
  await admin.createTopics({ topics: [old, recent], partitions: 1, replicas: 1 });
  const deleted = await pruneTopics(brokers, 3 * HOUR);
  assert.ok(deleted.includes(old), 'the old run topic was deleted');
  assert.ok(!deleted.includes(recent), 'the recent run topic was kept');
  const left = await admin.listTopics();
  assert.ok(!left.includes(old));
  assert.ok(left.includes(recent));
});
