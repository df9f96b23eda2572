// One contract for every EventLog adapter (PGlite, PostgreSQL, Kafka): the semantics replay, time
// travel, metrics and cache invalidation rely on. Each adapter's test file calls eventLogContract().
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { EventLog, LogRecord, Subscription } from '../../src/log/event-log.ts';
import { partitionFor } from '../../src/log/partitioner.ts';
import { uniqueName } from '../support/env.ts';
import { waitFor } from '../support/wait.ts';

export interface EventLogFixture {
  /** A new client on the same backing store (another "service instance", or the same one restarted). */
  open(): Promise<EventLog>;
  /** Releases the backing store. */
  cleanup(): Promise<void>;
}

const PARTITIONS = 4;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

function record(key: string, n: number, timestamp?: number) {
  return {
    key,
    value: JSON.stringify({ key, n }),
    ...(timestamp !== undefined ? { timestamp } : {}),
    headers: { n: String(n) },
  };
}

/** A key that lands in the given partition. */
function keyFor(partition: number, partitions: number): string {
  for (let i = 0; ; i++) if (partitionFor(`key-${i}`, partitions) === partition) return `key-${i}`;
}

export function eventLogContract(name: string, makeFixture: () => Promise<EventLogFixture>): void {
  describe(`EventLog contract: ${name}`, async () => {
    const fixture = await makeFixture();
    const log = await fixture.open();
    const opened: EventLog[] = [log];
    const openAnother = async () => {
      const another = await fixture.open();
      opened.push(another);
      return another;
    };
    after(async () => {
      for (const l of opened) await l.close().catch(() => {});
      await fixture.cleanup();
    });
    const newTopic = async (partitions = PARTITIONS) => {
      const topic = uniqueName('contract').replaceAll('_', '-');
      await log.ensureTopic(topic, { partitions, retentionMs: -1 });
      return topic;
    };

    test('ensureTopic creates once and reports the partition count; topics() lists it', async () => {
      const topic = await newTopic();
      await log.ensureTopic(topic, { partitions: PARTITIONS });
      assert.equal(await log.partitionCount(topic), PARTITIONS);
      assert.ok((await log.topics()).includes(topic));
      assert.deepEqual(
        (await log.offsets(topic)).map((o) => [o.partition, o.start, o.end]),
        Array.from({ length: PARTITIONS }, (_, p) => [p, 0, 0]),
      );
    });

    test('the partition is murmur2(key) as in Kafka; offsets are dense from 0 and keep per-key order', async () => {
      const topic = await newTopic();
      const keys = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
      const batch = Array.from({ length: 60 }, (_, i) => record(keys[i % keys.length] ?? 'x', i, T0 + i));
      const positions = await log.append(topic, batch);
      assert.equal(positions.length, batch.length);
      const nextOffset = new Map<number, number>();
      positions.forEach((position, i) => {
        assert.equal(position.partition, partitionFor(batch[i]?.key ?? '', PARTITIONS));
        const expected = nextOffset.get(position.partition) ?? 0;
        assert.equal(position.offset, expected, 'dense and monotonic per partition');
        nextOffset.set(position.partition, expected + 1);
      });
      // A second append continues where the first stopped.
      const more = await log.append(topic, [record('alice', 60, T0 + 60)]);
      const alicePartition = partitionFor('alice', PARTITIONS);
      assert.deepEqual(more, [{ partition: alicePartition, offset: nextOffset.get(alicePartition) }]);

      for (let p = 0; p < PARTITIONS; p++) {
        const records = await log.read(topic, p, 0, { max: 1000 });
        assert.deepEqual(
          records.map((r) => r.offset),
          records.map((_, i) => i),
        );
        for (const key of keys) {
          const ns = records.filter((r) => r.key === key).map((r) => (JSON.parse(r.value) as { n: number }).n);
          assert.deepEqual(
            ns,
            [...ns].sort((a, b) => a - b),
            `order of ${key} kept`,
          );
        }
      }
      const offsets = await log.offsets(topic);
      assert.equal(
        offsets.reduce((sum, o) => sum + o.end - o.start, 0),
        61,
      );
    });

    test('each returned position holds the record appended there, also when appends run concurrently', async () => {
      const topic = await newTopic();
      const appends = Array.from({ length: 8 }, (_, a) =>
        Array.from({ length: 6 }, (_, i) => record(`customer-${(a * 6 + i) % 11}`, a * 6 + i)),
      );
      const positions = await Promise.all(appends.map((batch) => log.append(topic, batch)));
      const stored = new Map<string, LogRecord>();
      for (let p = 0; p < PARTITIONS; p++) {
        for (const r of await log.read(topic, p, 0, { max: 1000 })) stored.set(`${p}:${r.offset}`, r);
      }
      assert.equal(stored.size, 48);
      for (const { partition, end } of await log.offsets(topic)) {
        const offsets = [...stored.keys()].filter((id) => id.startsWith(`${partition}:`)).length;
        assert.equal(offsets, end, `partition ${partition} dense from 0 to its end`);
      }
      appends.forEach((batch, a) =>
        batch.forEach((sent, i) => {
          const position = positions[a]?.[i];
          const got = position ? stored.get(`${position.partition}:${position.offset}`) : undefined;
          assert.deepEqual([got?.key, got?.value], [sent.key, sent.value], `record ${a * 6 + i}`);
        }),
      );
    });

    test('read honours fromOffset, max and endOffset, and returns key, value, timestamp and headers', async () => {
      const topic = await newTopic(1);
      await log.append(
        topic,
        Array.from({ length: 10 }, (_, i) => record('k', i, T0 + i * 1000)),
      );
      const slice = await log.read(topic, 0, 3, { max: 4 });
      assert.deepEqual(
        slice.map((r) => r.offset),
        [3, 4, 5, 6],
      );
      const first = slice[0] as LogRecord;
      assert.equal(first.topic, topic);
      assert.equal(first.key, 'k');
      assert.deepEqual(JSON.parse(first.value), { key: 'k', n: 3 });
      assert.equal(first.timestamp, T0 + 3000);
      assert.equal(first.headers['n'], '3');
      assert.deepEqual(
        (await log.read(topic, 0, 3, { endOffset: 5 })).map((r) => r.offset),
        [3, 4],
      );
      assert.deepEqual(await log.read(topic, 0, 10), []);
      assert.deepEqual(await log.read(topic, 0, 5000), [], 'beyond the end');
    });

    test('reads from several callers at once each get their own slice', async () => {
      const topic = await newTopic(2);
      await log.append(
        topic,
        Array.from({ length: 40 }, (_, i) => record(`c${i}`, i)),
      );
      const ends = await log.offsets(topic);
      const slices = await Promise.all(Array.from({ length: 10 }, (_, i) => log.read(topic, i % 2, i % 3, { max: 5 })));
      slices.forEach((slice, i) => {
        const end = ends[i % 2]?.end ?? 0;
        const from = i % 3;
        assert.deepEqual(
          slice.map((r) => r.offset),
          Array.from({ length: Math.min(5, end - from) }, (_, k) => from + k),
        );
      });
    });

    test('offsetForTime is the earliest offset with timestamp ≥ T, exact at the edges', async () => {
      const topic = await newTopic(1);
      // timestamps: 1000, 2000, 2000, 2000, 3000, 5000
      const stamps = [1000, 2000, 2000, 2000, 3000, 5000];
      await log.append(
        topic,
        stamps.map((t, i) => record('k', i, T0 + t)),
      );
      const at = (t: number) => log.offsetForTime(topic, 0, T0 + t);
      assert.equal(await at(0), 0, 'before the first record: the first offset');
      assert.equal(await at(1000), 0, 'equal to the first timestamp');
      assert.equal(await at(1001), 1);
      assert.equal(await at(2000), 1, 'equal timestamps: the earliest of them');
      assert.equal(await at(2500), 4);
      assert.equal(await at(5000), 5, 'equal to the last timestamp');
      assert.equal(await at(5001), -1, 'after the last record: none');
      const empty = await newTopic(1);
      assert.equal(await log.offsetForTime(empty, 0, T0), -1);
    });

    test('offsetsForTimes: offsetForTime of every partition at each time, the end where none', async () => {
      const topic = await newTopic(2);
      const [k0, k1] = [keyFor(0, 2), keyFor(1, 2)];
      // partition 0: 1000, 2000, 2000, 3000; partition 1: 2000, 5000
      await log.append(topic, [
        ...[1000, 2000, 2000, 3000].map((t, i) => record(k0, i, T0 + t)),
        ...[2000, 5000].map((t, i) => record(k1, i, T0 + t)),
      ]);
      const times = [0, 1000, 1001, 2000, 2500, 3001, 5000, 5001].map((t) => T0 + t);
      const single = await Promise.all(
        times.map((t) =>
          Promise.all([0, 1].map(async (p) => [await log.offsetForTime(topic, p, t), p === 0 ? 4 : 2] as const)),
        ),
      );
      assert.deepEqual(
        await log.offsetsForTimes(topic, times),
        single.map((row) => row.map(([offset, end]) => (offset < 0 ? end : offset))),
      );
      assert.deepEqual(await log.offsetsForTimes(topic, [T0 + 2000, T0 + 9000]), [
        [1, 0],
        [4, 2],
      ]);
      assert.deepEqual(await log.offsetsForTimes(topic, []), []);
      const empty = await newTopic(3);
      assert.deepEqual(await log.offsetsForTimes(empty, [T0]), [[0, 0, 0]]);
    });

    test('committed offsets are per group, start as null, and survive a restart of the client', async () => {
      const topic = await newTopic(2);
      const group = uniqueName('group');
      assert.deepEqual([...(await log.committed(group, topic)).entries()].sort(), [
        [0, null],
        [1, null],
      ]);
      await log.commit(group, topic, [
        { partition: 0, offset: 7 },
        { partition: 1, offset: 3 },
      ]);
      const restarted = await openAnother();
      assert.deepEqual([...(await restarted.committed(group, topic)).entries()].sort(), [
        [0, 7],
        [1, 3],
      ]);
      assert.ok((await restarted.groups()).includes(group));
      assert.deepEqual([...(await log.committed(uniqueName('other'), topic)).values()], [null, null]);
    });

    test('two consumers in one group split the partitions, rebalance when one leaves, and deliver every record', async () => {
      const topic = await newTopic(PARTITIONS);
      const group = uniqueName('group');
      const keys = Array.from({ length: 40 }, (_, i) => `customer-${i}`);
      await log.append(
        topic,
        keys.map((k, i) => record(k, i)),
      );

      const seen = new Map<string, number>(); // record id → deliveries
      const applied = new Set<string>(); // a handler that dedupes by id
      const consume = (sink: string[]) => async (batch: { records: readonly LogRecord[] }) => {
        for (const r of batch.records) {
          const id = `${r.partition}:${r.offset}`;
          seen.set(id, (seen.get(id) ?? 0) + 1);
          if (!applied.has(id)) {
            applied.add(id);
            sink.push(id);
          }
        }
      };
      const byA: string[] = [];
      const byB: string[] = [];
      const other = await openAnother();
      const a: Subscription = await log.subscribe({ group, topic, onBatch: consume(byA) });
      const b: Subscription = await other.subscribe({ group, topic, onBatch: consume(byB) });
      try {
        await waitFor('both members own partitions, together all of them, none twice', () => {
          const owned = [...a.assignment(), ...b.assignment()].sort();
          return a.assignment().length > 0 && b.assignment().length > 0 && owned.join() === '0,1,2,3';
        });
        await waitFor('all 40 records applied', () => applied.size === 40);

        await b.close();
        await waitFor('the remaining member owns every partition', () => a.assignment().length === PARTITIONS);
        const late = Array.from({ length: 20 }, (_, i) => record(`late-${i}`, 100 + i));
        await log.append(topic, late);
        await waitFor('records appended after the rebalance reach the remaining member', () => applied.size === 60);
        assert.equal(applied.size, 60, 'each record applied exactly once by the deduping handler');
        assert.ok([...seen.values()].every((n) => n >= 1));
        await waitFor('offsets committed up to the end', async () => {
          const committed = await log.committed(group, topic);
          const ends = await log.offsets(topic);
          return ends.every((o) => committed.get(o.partition) === o.end);
        });
      } finally {
        await a.close();
        await b.close();
      }
    });

    test('a new member of a group resumes from the committed offsets, not from the start', async () => {
      const topic = await newTopic(2);
      const group = uniqueName('group');
      await log.append(
        topic,
        Array.from({ length: 10 }, (_, i) => record(`k${i}`, i)),
      );
      const first: string[] = [];
      const sub = await log.subscribe({
        group,
        topic,
        onBatch: async (batch) => void first.push(...batch.records.map((r) => `${r.partition}:${r.offset}`)),
      });
      await waitFor('first ten consumed', () => first.length === 10);
      await sub.close();

      await log.append(
        topic,
        Array.from({ length: 5 }, (_, i) => record(`k${i}`, 10 + i)),
      );
      const restarted = await openAnother();
      const second: string[] = [];
      const again = await restarted.subscribe({
        group,
        topic,
        onBatch: async (batch) => void second.push(...batch.records.map((r) => `${r.partition}:${r.offset}`)),
      });
      try {
        await waitFor('the five new records consumed', () => second.length >= 5);
        assert.equal(second.length, 5, 'nothing before the committed offsets is delivered again');
      } finally {
        await again.close();
      }
    });

    test('members counts the live members of a group, from any client, and none after they leave', async () => {
      const topic = await newTopic(2);
      const group = uniqueName('group');
      assert.equal(await log.members(group, topic), 0);
      const other = await openAnother();
      const subs = [
        await log.subscribe({ group, topic, onBatch: async () => {} }),
        await other.subscribe({ group, topic, onBatch: async () => {} }),
      ];
      try {
        await waitFor('two members', async () => (await log.members(group, topic)) === 2);
        assert.equal(await other.members(group, topic), 2);
      } finally {
        await Promise.all(subs.map((s) => s.close()));
      }
      await waitFor('no member left', async () => (await log.members(group, topic)) === 0);
    });

    test("from: 'latest' skips history for a group without commits", async () => {
      const topic = await newTopic(1);
      const group = uniqueName('group');
      await log.append(topic, [record('k', 0), record('k', 1)]);
      const got: number[] = [];
      const sub = await log.subscribe({
        group,
        topic,
        from: 'latest',
        onBatch: async (batch) => void got.push(...batch.records.map((r) => r.offset)),
      });
      try {
        await waitFor('assigned', () => sub.assignment().length === 1);
        await new Promise((r) => setTimeout(r, 500));
        await log.append(topic, [record('k', 2)]);
        await waitFor('the new record arrives', () => got.length === 1);
        assert.deepEqual(got, [2]);
      } finally {
        await sub.close();
      }
    });

    test('a subscription hands over batches of one partition, at most maxBatch, in offset order', async () => {
      const topic = await newTopic(2);
      await log.append(
        topic,
        Array.from({ length: 50 }, (_, i) => record(`c${i % 7}`, i)),
      );
      const batches: Array<{ partition: number; offsets: number[] }> = [];
      const sub = await log.subscribe({
        group: uniqueName('group'),
        topic,
        maxBatch: 7,
        onBatch: async (batch) => {
          assert.ok(batch.records.every((r) => r.partition === batch.partition && r.topic === topic));
          batches.push({ partition: batch.partition, offsets: batch.records.map((r) => r.offset) });
        },
      });
      try {
        await waitFor('all 50', () => batches.reduce((sum, b) => sum + b.offsets.length, 0) === 50);
        for (const p of [0, 1]) {
          const mine = batches.filter((b) => b.partition === p);
          assert.ok(mine.every((b) => b.offsets.length >= 1 && b.offsets.length <= 7));
          const offsets = mine.flatMap((b) => b.offsets);
          assert.deepEqual(
            offsets,
            offsets.map((_, i) => i),
          );
        }
      } finally {
        await sub.close();
      }
    });

    test('a failing handler commits nothing, reports the error and stops; the next member gets every record', async () => {
      const topic = await newTopic(2);
      const group = uniqueName('group');
      await log.append(
        topic,
        Array.from({ length: 10 }, (_, i) => record(`k${i}`, i)),
      );
      let reported: unknown;
      const failing = await log.subscribe({
        group,
        topic,
        onBatch: async () => {
          throw new Error('handler broke');
        },
        onError: (error) => {
          reported = error;
        },
      });
      const got = new Set<string>();
      try {
        await waitFor('the error is reported', () => reported !== undefined);
        assert.match(String(reported), /handler broke/);
        assert.deepEqual([...(await log.committed(group, topic)).values()], [null, null]);
        assert.deepEqual(failing.assignment(), [], 'a stopped subscription owns nothing');
        const healthy = await (
          await openAnother()
        ).subscribe({
          group,
          topic,
          onBatch: async (batch) => void batch.records.forEach((r) => got.add(`${r.partition}:${r.offset}`)),
        });
        try {
          await waitFor('the next member gets every record: nothing was committed', () => got.size === 10);
          assert.deepEqual([...healthy.assignment()].sort(), [0, 1]);
        } finally {
          await healthy.close();
        }
      } finally {
        await failing.close();
      }
    });

    test('close() lets the batch in flight finish, commits it, and leaves the group', async () => {
      const topic = await newTopic(1);
      const group = uniqueName('group');
      await log.append(
        topic,
        Array.from({ length: 5 }, (_, i) => record('k', i)),
      );
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let entered = false;
      const sub = await log.subscribe({
        group,
        topic,
        onBatch: async () => {
          entered = true;
          await released;
        },
      });
      await waitFor('the handler holds a batch', () => entered);
      let closed = false;
      const closing = sub.close().then(() => (closed = true));
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(closed, false, 'close waits for the handler');
      release();
      await closing;
      assert.equal((await log.committed(group, topic)).get(0), 5);
      assert.deepEqual(sub.assignment(), []);
    });
  });
}
