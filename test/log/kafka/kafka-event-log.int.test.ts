// The Kafka EventLog on the real broker of scripts/services.sh: the shared contract, then what only
// Kafka does (produce batching, compression, idempotence, consumer group handover). Every run uses
// its own topics and groups and deletes them afterwards.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin, Consumer } from '@platformatic/kafka';
import type { EventLog, LogRecord, SubscribeOptions } from '../../../src/log/event-log.ts';
import { createKafkaEventLog, type KafkaEventLogOptions } from '../../../src/log/kafka/kafka-event-log.ts';
import { partitionFor } from '../../../src/log/partitioner.ts';
import { eventLogContract } from '../event-log-contract.ts';
import { requireEnv, uniqueName } from '../../support/env.ts';
import { waitFor } from '../../support/wait.ts';

// Short group timings keep rebalances fast; 6 s is the broker's minimum session timeout.
const GROUP = { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300, rebalanceTimeoutMs: 6_000, pollMs: 200 };

/** Opens adapters on the test broker and remembers their topics and groups, to delete them afterwards. */
function kafkaFixture() {
  const brokers = requireEnv('BSS_KAFKA_BROKERS').split(',');
  const admin = new Admin({ clientId: 'bss-test-cleanup', bootstrapBrokers: brokers });
  const topics = new Set<string>();
  const groups = new Set<string>();
  return {
    async open(overrides: Partial<KafkaEventLogOptions> = {}): Promise<EventLog> {
      const log = createKafkaEventLog({ brokers, clientId: uniqueName('bss-test'), group: GROUP, ...overrides });
      return {
        ...log,
        ensureTopic: (topic, spec) => (topics.add(topic), log.ensureTopic(topic, spec)),
        commit: (group, topic, positions) => (groups.add(group), log.commit(group, topic, positions)),
        subscribe: (options: SubscribeOptions) => (groups.add(options.group), log.subscribe(options)),
      };
    },
    async cleanup() {
      if (groups.size > 0) await admin.deleteGroups({ groups: [...groups] }).catch(() => undefined);
      if (topics.size > 0) await admin.deleteTopics({ topics: [...topics] });
      await admin.close();
    },
  };
}

eventLogContract('kafka', async () => kafkaFixture());

describe('Kafka EventLog: what only Kafka does', async () => {
  const brokers = requireEnv('BSS_KAFKA_BROKERS').split(',');
  const fixture = kafkaFixture();
  const opened: EventLog[] = [];
  const open = async (overrides: Partial<KafkaEventLogOptions> = {}) => {
    const log = await fixture.open(overrides);
    opened.push(log);
    return log;
  };
  const log = await fixture.open();
  // Sees the broker's view directly: record batches, topic configs, group members.
  const admin = new Admin({ clientId: 'bss-test-inspect', bootstrapBrokers: brokers });
  const raw = new Consumer({ clientId: 'bss-test-inspect', groupId: uniqueName('inspect'), bootstrapBrokers: brokers });
  after(async () => {
    for (const l of [log, ...opened]) await l.close().catch(() => undefined);
    await Promise.all([fixture.cleanup(), admin.close(), raw.close()]);
  });
  const newTopic = async (partitions: number, on: EventLog = log) => {
    const topic = uniqueName('kafka-log').replaceAll('_', '-');
    await on.ensureTopic(topic, { partitions });
    return topic;
  };
  const record = (key: string, n: number) => ({ key, value: JSON.stringify({ key, n }), headers: { n: String(n) } });
  const n = (r: LogRecord) => (JSON.parse(r.value) as { n: number }).n;
  /** The record batches as stored by the broker. */
  const batchesOf = async (topic: string, partition: number) => {
    const metadata = await raw.metadata({ topics: [topic], forceUpdate: true });
    const t = metadata.topics.get(topic);
    assert.ok(t);
    const response = await raw.fetch({
      node: t.partitions[partition]?.leader ?? -1,
      maxWaitTime: 0,
      topics: [
        {
          topicId: t.id,
          partitions: [
            { partition, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1 },
          ],
        },
      ],
    });
    return response.responses.flatMap((r) => r.partitions.flatMap((p) => p.records ?? []));
  };

  test('concurrent appends share lingering, zstd-compressed, idempotent batches and get the offsets the broker gave', async () => {
    const lingering = await open({ lingerMs: 20, compressMinBytes: 0 });
    const topic = await newTopic(3, lingering);
    const appends = Array.from({ length: 12 }, (_, a) =>
      Array.from({ length: 5 }, (_, i) => record(`customer-${(a * 5 + i) % 9}`, a * 5 + i)),
    );
    const positions = await Promise.all(appends.map((batch) => lingering.append(topic, batch)));
    const stored = new Map<string, LogRecord>();
    for (let p = 0; p < 3; p++)
      for (const r of await log.read(topic, p, 0, { max: 1000 })) stored.set(`${p}:${r.offset}`, r);
    assert.equal(stored.size, 60);
    appends.forEach((batch, a) =>
      batch.forEach((sent, i) => {
        const position = positions[a]?.[i];
        assert.ok(position);
        assert.equal(position.partition, partitionFor(sent.key, 3));
        const got = stored.get(`${position.partition}:${position.offset}`);
        assert.deepEqual([got?.key, got?.value], [sent.key, sent.value], 'the returned position holds this record');
      }),
    );
    for (let p = 0; p < 3; p++) {
      const batches = await batchesOf(topic, p);
      assert.ok(batches.length < 12, `12 appends went out in fewer batches on partition ${p} (${batches.length})`);
      for (const batch of batches) {
        assert.equal(batch.attributes & 0x07, 4, 'compression codec zstd');
        assert.ok(batch.producerId >= 0n, 'written by an idempotent producer');
      }
    }
  });

  test('partition batches under compressMinBytes go uncompressed, larger ones zstd-compressed, and both read back', async () => {
    const topic = await newTopic(1);
    const small = [record('small', 1), record('small', 2)];
    const large = Array.from({ length: 200 }, (_, i) => record('large', 100 + i)); // about 9 KB
    await log.append(topic, small);
    await log.append(topic, large);
    const batches = await batchesOf(topic, 0);
    assert.deepEqual(
      batches.map((b) => [b.records.length, b.attributes & 0x07]),
      [
        [2, 0],
        [200, 4],
      ],
      'codec none for 2 small records, zstd for 200',
    );
    const read = await log.read(topic, 0, 0, { max: 1000 });
    assert.deepEqual(read.map(n), [1, 2, ...large.map((_, i) => 100 + i)]);
  });

  test('timestamps months apart in one append come back exact (requests never span 2^31 ms)', async () => {
    const topic = await newTopic(1);
    const day = 86_400_000;
    const base = Date.parse('2026-01-01T00:00:00Z');
    // 0, 10, 30, 60 days, then back to 1 day: deltas beyond 2^31 ms (~24.8 days) both ways.
    const stamps = [0, 10, 30, 60, 1].map((d) => base + d * day);
    await log.append(
      topic,
      stamps.map((timestamp, i) => ({ ...record('k', i), timestamp })),
    );
    const records = await log.read(topic, 0, 0, { max: 10 });
    assert.deepEqual(
      records.map((r) => r.timestamp),
      stamps,
    );
  });

  test('an append larger than maxBatchBytes goes out in several requests, dense and in per-key order', async () => {
    const small = await open({ maxBatchBytes: 2048, lingerMs: 0 });
    const topic = await newTopic(2, small);
    const batch = Array.from({ length: 200 }, (_, i) => record(`k${i % 5}`, i));
    const positions = await small.append(topic, batch);
    const next = new Map<number, number>();
    for (const { partition, offset } of positions) {
      assert.equal(offset, next.get(partition) ?? 0);
      next.set(partition, offset + 1);
    }
    for (let p = 0; p < 2; p++) {
      const records = await log.read(topic, p, 0, { max: 1000 });
      assert.equal(records.length, next.get(p) ?? 0);
      for (const key of ['k0', 'k1', 'k2', 'k3', 'k4']) {
        const ns = records.filter((r) => r.key === key).map(n);
        assert.deepEqual(
          ns,
          [...ns].sort((a, b) => a - b),
          `order of ${key}`,
        );
      }
      assert.ok((await batchesOf(topic, p)).length > 1, 'more than one request');
    }
  });

  test('read pages through more than one fetch, and answers at once at the end of the log', async () => {
    const paging = await open({ fetchMaxBytes: 1024, maxBatchBytes: 1024 });
    const topic = await newTopic(1, paging);
    await paging.append(
      topic,
      Array.from({ length: 300 }, (_, i) => record('k', i)),
    );
    const all = await paging.read(topic, 0, 0, { max: 1000 });
    assert.deepEqual(
      all.map((r) => r.offset),
      Array.from({ length: 300 }, (_, i) => i),
    );
    assert.deepEqual((await paging.read(topic, 0, 295, { max: 3 })).map(n), [295, 296, 297]);
    const started = Date.now();
    assert.deepEqual(await paging.read(topic, 0, 300), []);
    assert.deepEqual(await paging.read(topic, 0, 5000), [], 'beyond the end');
    assert.ok(Date.now() - started < 1000, 'no long poll at the end');
  });

  test('records deleted from the head: offsets() starts later, read and a group resume at the first kept record', async () => {
    const topic = await newTopic(1);
    await log.append(
      topic,
      Array.from({ length: 10 }, (_, i) => record('k', i)),
    );
    const group = uniqueName('group');
    await log.commit(group, topic, [{ partition: 0, offset: 2 }]);
    await admin.deleteRecords({ topics: [{ name: topic, partitions: [{ partition: 0, offset: 6n }] }] });
    assert.deepEqual(await log.offsets(topic), [{ partition: 0, start: 6, end: 10 }]);
    assert.deepEqual(
      (await log.read(topic, 0, 0)).map((r) => r.offset),
      [6, 7, 8, 9],
    );
    const got: number[] = [];
    const sub = await log.subscribe({
      group,
      topic,
      onBatch: async (batch) => void got.push(...batch.records.map((r) => r.offset)),
    });
    try {
      await waitFor('the kept records arrive', () => got.length >= 4);
      assert.deepEqual(got, [6, 7, 8, 9], 'the committed offset 2 is gone: earliest kept record');
    } finally {
      await sub.close();
    }
  });

  test('a subscription with maxDelayMs gets appends made within the delay in one delivery', async () => {
    const topic = await newTopic(1);
    const batches: number[][] = [];
    const sub = await log.subscribe({
      group: uniqueName('gather'),
      topic,
      from: 'earliest',
      maxDelayMs: 1500,
      onBatch: async (batch) => void batches.push(batch.records.map(n)),
    });
    try {
      // Each append is its own produce request: a fetch answered at once would deliver them apart.
      for (let i = 0; i < 3; i++) await log.append(topic, [record('k', i)]);
      await waitFor('the three records arrive', () => batches.flat().length >= 3);
      assert.deepEqual(batches, [[0, 1, 2]], 'the broker held the fetch until the delay was up');
    } finally {
      await sub.close();
    }
  });

  test('ensureTopic racing from two clients creates the topic once, with retention.ms', async () => {
    const other = await open();
    const topic = uniqueName('kafka-log').replaceAll('_', '-');
    await Promise.all([
      log.ensureTopic(topic, { partitions: 3 }),
      other.ensureTopic(topic, { partitions: 3 }),
      log.ensureTopic(topic, { partitions: 3 }),
    ]);
    assert.equal(await other.partitionCount(topic), 3);
    const kept = uniqueName('kafka-log').replaceAll('_', '-');
    await log.ensureTopic(kept, { partitions: 1, retentionMs: 3_600_000 });
    const [forever, hour] = await admin.describeConfigs({
      resources: [topic, kept].map((resourceName) => ({
        resourceType: 2, // TOPIC
        resourceName,
        configurationKeys: ['retention.ms'],
      })),
    });
    assert.equal(forever?.configs.find((c) => c.name === 'retention.ms')?.value, '-1');
    assert.equal(hour?.configs.find((c) => c.name === 'retention.ms')?.value, '3600000');
  });

  test("topics() leaves out Kafka's own topics", async () => {
    const topic = await newTopic(1);
    await log.commit(uniqueName('group'), topic, [{ partition: 0, offset: 0 }]);
    assert.ok((await admin.listTopics({ includeInternals: true })).includes('__consumer_offsets'));
    const listed = await log.topics();
    assert.ok(listed.includes(topic));
    assert.ok(!listed.some((t) => t.startsWith('__')));
  });

  // What every adapter does with a failing handler is in the contract; Kafka's part is leaving the group.
  test('a member whose handler fails leaves at once: the group is empty well before the session timeout', async () => {
    const topic = await newTopic(2);
    const group = uniqueName('group');
    await log.append(topic, [record('k', 0)]);
    let reported: unknown;
    const failing = await log.subscribe({
      group,
      topic,
      onBatch: async () => {
        throw new Error('poison');
      },
      onError: (error) => (reported = error),
    });
    try {
      const started = Date.now();
      await waitFor('the error is reported', () => reported !== undefined);
      await waitFor(
        'no members left',
        async () => (await admin.describeGroups({ groups: [group] })).get(group)?.members.size === 0,
        GROUP.sessionTimeoutMs - 1_000,
      );
      assert.ok(Date.now() - started < GROUP.sessionTimeoutMs);
    } finally {
      await failing.close();
    }
  });
});
