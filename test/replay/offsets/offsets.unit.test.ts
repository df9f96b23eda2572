// Offsets by time, counts and estimates, the timeline, and consumer-group offset snapshots with
// restore (dry run and live, counted by a real consumer of the group) on the embedded log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startConsumer, type EventHandler } from '../../../src/log/consumer-runner.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import {
  allOffsets,
  countEvents,
  estimateReplayDuration,
  listOffsetSnapshots,
  offsetsForTime,
  restoreGroupOffsets,
  saveOffsetSnapshot,
  timeline,
  TIMELINE_SCAN_LIMIT,
  topicOffsets,
} from '../../../src/replay/index.ts';
import { uniqueName } from '../../support/env.ts';
import { waitFor } from '../../support/wait.ts';
import { buildWorkload, codec, DAY, T0 } from '../workload.ts';
import { seededWorld, type ReplayWorld } from '../fixture.ts';

const workload = buildWorkload(6);
const stamp = (i: number) => Date.parse(workload.events[i]!.data.at);
const inWindow = (start: number, end: number) =>
  workload.events.filter((e) => Date.parse(e.data.at) >= start && Date.parse(e.data.at) < end);

describe('offsets, timeline and offset snapshots', () => {
  let world: ReplayWorld;
  let topic: string;
  before(async () => {
    ({ world, topic } = await seededWorld(workload.events, 3));
  });
  after(() => world.close());

  test('topic offsets: per partition earliest, latest, count, first and last timestamps', async () => {
    const info = await topicOffsets(world.log, topic);
    assert.equal(info.count, workload.events.length);
    for (const p of info.partitions) {
      const records = await world.log.read(topic, p.partition, 0, { max: 1000 });
      assert.deepEqual(p, {
        partition: p.partition,
        earliest: 0,
        latest: records.length,
        count: records.length,
        firstTimestamp: records[0]?.timestamp ?? null,
        lastTimestamp: records.at(-1)?.timestamp ?? null,
      });
    }
  });

  test('offset for a time per partition, and counts in [start, end)', async () => {
    const at = T0 + 10 * DAY;
    for (const { partition, offset, atEnd } of await offsetsForTime(world.log, topic, at)) {
      const records = await world.log.read(topic, partition, 0, { max: 1000 });
      const expected = records.findIndex((r) => r.timestamp >= at);
      assert.equal(offset, expected < 0 ? records.length : expected);
      assert.equal(atEnd, expected < 0);
    }
    for (const [start, end] of [
      [T0, T0 + 5 * DAY],
      [T0 + 5 * DAY, T0 + 40 * DAY],
      [stamp(10), stamp(50)],
      [T0 + 100 * DAY, T0 + 200 * DAY],
    ] as const) {
      assert.equal(await countEvents(world.log, topic, start, end), inWindow(start, end).length);
    }
    assert.equal(await countEvents(world.log, topic), workload.events.length);
    assert.equal(
      await countEvents(world.log, topic, undefined, undefined, 'cus-4'),
      workload.events.filter((e) => e.data.customerId === 'cus-4').length,
    );
  });

  test('estimated duration per speed', async () => {
    const start = T0;
    const end = T0 + 10 * DAY;
    const estimate = (speed: 'REAL_TIME' | 'FAST' | 'ULTRA_FAST' | 'MAX' | 'STEP_BY_STEP') =>
      estimateReplayDuration(world.log, topic, { startTime: start, endTime: end, speed, maxEventsPerSecond: 20 });
    assert.equal((await estimate('REAL_TIME')).estimatedMs, 10 * DAY);
    assert.equal((await estimate('FAST')).estimatedMs, DAY);
    assert.equal((await estimate('ULTRA_FAST')).estimatedMs, DAY / 10);
    const max = await estimate('MAX');
    assert.equal(max.events, inWindow(start, end).length);
    assert.equal(max.estimatedMs, Math.ceil((max.events / 20) * 1000));
    assert.equal((await estimate('STEP_BY_STEP')).estimatedMs, null);
    assert.match((await estimate('REAL_TIME')).warning ?? '', /estimated to take 10\.0 days/);
    assert.equal((await estimate('ULTRA_FAST')).warning, null, 'a day or less: no warning');
  });

  test('all offsets: every topic, and each group with its committed offsets and lag', async () => {
    const group = uniqueName('g');
    await world.log.commit(group, topic, [{ partition: 0, offset: 1 }]);
    const all = await allOffsets(world.log);
    assert.ok(all.topics.some((t) => t.topic === topic && t.count === workload.events.length));
    const mine = all.groups.find((g) => g.group === group);
    const p0 = (await world.log.offsets(topic))[0]!;
    assert.deepEqual(mine?.partitions[0], { partition: 0, committed: 1, end: p0.end, lag: p0.end - 1 });
  });

  test('timeline: pages in time order with an opaque cursor, filters, maxEvents', async () => {
    const start = T0 + DAY;
    const end = T0 + 40 * DAY;
    const expected = inWindow(start, end);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await timeline(
        { log: world.log, codec },
        { topic, startTime: start, endTime: end, maxEvents: 7, ...(cursor ? { cursor } : {}) },
      );
      assert.ok(page.events.length <= 7);
      seen.push(...page.events.map((e) => `${e.customerId}:${e.type}:${e.time}`));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    assert.equal(pages, Math.ceil(expected.length / 7));
    assert.deepEqual(
      [...seen].sort(),
      expected.map((e) => `${e.data.customerId}:com.droid.bss.${e.type}.v1:${e.data.at}`).sort(),
    );
    const times = seen.map((s) => Date.parse(s.split(':').slice(2).join(':')));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );

    const filtered = await timeline(
      { log: world.log, codec },
      { topic, filter: { customerId: 'cus-5', types: ['payment.captured'] } },
    );
    assert.equal(filtered.events.length, 1);
    assert.equal(filtered.nextCursor, null);
    await assert.rejects(timeline({ log: world.log, codec }, { topic, cursor: 'garbage' }), {
      code: 'INVALID_REPLAY_REQUEST',
    });
  });

  test('timeline: a page reads at most its scan limit, and the cursor goes on where it stopped', async () => {
    const ask = (cursor?: string, scanLimit?: number) =>
      timeline(
        { log: world.log, codec },
        {
          topic,
          filter: { types: ['payment.captured'] },
          maxEvents: 3,
          ...(cursor ? { cursor } : {}),
          ...(scanLimit ? { scanLimit } : {}),
        },
      );
    const ids = async (scanLimit?: number) => {
      const found: string[] = [];
      const scans: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await ask(cursor, scanLimit);
        found.push(...page.events.map((e) => e.id ?? ''));
        scans.push(page.scanned);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return { found, scans };
    };
    const unbounded = await ids();
    assert.ok(unbounded.found.length > 3, 'the workload has a few captured payments');
    assert.ok(unbounded.scans.every((n) => n <= TIMELINE_SCAN_LIMIT));
    const bounded = await ids(5);
    assert.deepEqual(bounded.found, unbounded.found, 'the same events, in the same order, over more requests');
    assert.ok(
      bounded.scans.every((n) => n >= 1 && n <= 5),
      bounded.scans.join(),
    );
    assert.ok(bounded.scans.length > unbounded.scans.length);
    const first = await ask(undefined, 1);
    assert.equal(first.scanned, 1);
    assert.ok(first.events.length <= 1 && first.nextCursor !== null, 'fewer events than asked, and a cursor');
    assert.equal(TIMELINE_SCAN_LIMIT, 10_000);
  });

  test('offset snapshot, then restore: a dry run plans, a restore to a time re-delivers exactly the events from then', async () => {
    const group = uniqueName('restore');
    const received: string[] = [];
    const handler: EventHandler = {
      name: 'count',
      replaySafe: true,
      handle: async (events) => void received.push(...events.map((e) => e.event.id)),
    };
    const start = () => startConsumer({ log: world.log, codec, topic, group, handler, logger: createLogger('silent') });
    let consumer = await start();
    await waitFor('the group consumed everything', () => received.length === workload.events.length);
    const snapshot = await saveOffsetSnapshot(
      { db: world.db, log: world.log },
      { group, topic, name: 'before-restore' },
    );
    assert.deepEqual(
      (await listOffsetSnapshots(world.db, { group })).map((s) => s.name),
      ['before-restore'],
    );

    const at = T0 + 30 * DAY;
    const fromThen = workload.events.filter((e) => Date.parse(e.data.at) >= at).length;
    const plan = await restoreGroupOffsets(
      { db: world.db, log: world.log },
      { group, topic, to: { time: at }, dryRun: true },
    );
    assert.equal(plan.redelivered, fromThen);
    assert.equal(plan.skipped, 0);
    assert.deepEqual(
      (await world.log.committed(group, topic)).get(0),
      snapshot.offsets[0]?.committed,
      'a dry run moves nothing',
    );

    received.length = 0;
    let paused = 0;
    await restoreGroupOffsets(
      { db: world.db, log: world.log },
      {
        group,
        topic,
        to: { time: at },
        pauseGroup: async () => {
          paused += 1;
          await consumer.stop();
          return async () => void (consumer = await start());
        },
      },
    );
    assert.equal(paused, 1);
    await waitFor('the re-delivered events arrived', () => received.length >= fromThen);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(received.length, fromThen, 'exactly the events from that moment');

    const back = await restoreGroupOffsets(
      { db: world.db, log: world.log },
      { group, topic, to: { snapshotId: snapshot.id }, dryRun: true },
    );
    assert.deepEqual([back.redelivered, back.skipped], [0, 0]);
    const earliest = await restoreGroupOffsets(
      { db: world.db, log: world.log },
      { group, topic, to: { position: 'earliest' }, dryRun: true },
    );
    assert.equal(earliest.redelivered, workload.events.length);
    await consumer.stop();
  });
});
