// The cache's per-instance consumer groups on the real Kafka: removed when the instance leaves, and
// groups with no member left (an instance that died) swept; a group with a live member is kept, and so
// is a memberless one whose instance lives (its consumer paused for a restore, or restarting).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin } from '@platformatic/kafka';
import { createKafkaEventLog } from '../../src/log/kafka/kafka-event-log.ts';
import { instanceGroup, kafkaGroupJanitor, liveGroupsIn } from '../../src/cache/instance-groups.ts';
import { holdInstanceLiveness } from '../../src/store/instance-liveness.ts';
import { createPostgresDb } from '../../src/store/postgres-db.ts';
import { requireEnv, uniqueName } from '../support/env.ts';
import { deleteTopicsWithPrefix } from '../support/kafka-topics.ts';

const brokers = requireEnv('BSS_KAFKA_BROKERS').split(',');
const TIMINGS = { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300, rebalanceTimeoutMs: 6_000, pollMs: 200 };

test('kafka: a left group is removed, a dead one swept, a live one kept', async () => {
  const log = createKafkaEventLog({ brokers, clientId: uniqueName('bss-test'), group: TIMINGS });
  const admin = new Admin({ clientId: uniqueName('bss-test'), bootstrapBrokers: brokers });
  const janitor = kafkaGroupJanitor(brokers);
  const prefix = uniqueName('bss-cache-test-');
  const topic = uniqueName('bss-test-groups');
  const groupIds = async () => [...(await admin.listGroups()).keys()].filter((g) => g.startsWith(prefix)).sort();
  try {
    await log.ensureTopic(topic, { partitions: 1 });
    await log.append(topic, [{ key: 'k', value: 'v' }]);
    const join = async (group: string) => {
      let seen = false;
      const sub = await log.subscribe({ group, topic, onBatch: async () => void (seen = true) });
      while (!seen) await new Promise((resolve) => setTimeout(resolve, 100));
      return sub;
    };
    const [left, dead, live] = ['left', 'dead', 'live'].map((n) => `${prefix}${n}`) as [string, string, string];
    const subs = await Promise.all([join(left), join(dead), join(live)]);
    assert.deepEqual(await groupIds(), [dead, left, live]);

    await subs[0].close();
    await janitor.remove(left);
    await subs[1].close(); // its process is gone: nobody removes it
    assert.deepEqual(await groupIds(), [dead, live]);

    assert.deepEqual(await janitor.sweep(prefix), [dead]);
    assert.deepEqual(await groupIds(), [live], 'the group with a member stays');
    await subs[2].close();
  } finally {
    await janitor.close();
    await admin.close();
    await log.close();
    await deleteTopicsWithPrefix(brokers.join(','), topic);
  }
});

test('kafka: a memberless group of a live instance is kept by the sweep, swept once that instance is gone', async () => {
  const url = requireEnv('BSS_DATABASE_URL');
  const db = await createPostgresDb({ url, maxConnections: 2 });
  const liveness = holdInstanceLiveness({ url });
  const log = createKafkaEventLog({ brokers, clientId: uniqueName('bss-test'), group: TIMINGS });
  const janitor = kafkaGroupJanitor(brokers);
  const topic = uniqueName('bss-test-groups');
  const prefix = `bss-cache-${uniqueName('t')}-`;
  try {
    assert.ok(await liveness.held(10_000));
    await log.ensureTopic(topic, { partitions: 1 });
    await log.append(topic, [{ key: 'k', value: 'v' }]);
    const paused = instanceGroup(liveness.id).replace('bss-cache-', prefix);
    let seen = false;
    const sub = await log.subscribe({ group: paused, topic, onBatch: async () => void (seen = true) });
    while (!seen) await new Promise((resolve) => setTimeout(resolve, 100));
    await sub.close(); // memberless now, as while a restore moves its offsets

    assert.deepEqual(await janitor.sweep(prefix, liveGroupsIn(db)), [], 'its instance lives: kept');
    await liveness.stop();
    assert.deepEqual(await janitor.sweep(prefix, liveGroupsIn(db)), [paused], 'its instance is gone: swept');
  } finally {
    await liveness.stop();
    await janitor.close();
    await log.close();
    await db.close();
    await deleteTopicsWithPrefix(brokers.join(','), topic);
  }
});
