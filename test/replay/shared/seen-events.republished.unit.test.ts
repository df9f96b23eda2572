// At-least-once publishing: a relay round published again after a crash leaves the same event id at
// two offsets of its partition. Every fold of the log counts it once: reconstruct (with and without
// snapshots, also a snapshot taken between the two copies), diff, timeline, debug session, rebuild.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { READ_MODELS } from '../../../src/application/read-model/tables.ts';
import { createUnitOfWork } from '../../../src/application/read-model/unit-of-work.ts';
import type { AppendRecord } from '../../../src/log/event-log.ts';
import {
  createSnapshotStore,
  createSnapshotter,
  diffStates,
  rebuildReadModels,
  reconstructCustomer,
  reconstructSystem,
  timeline,
} from '../../../src/replay/index.ts';
import { SeenEvents } from '../../../src/replay/shared/seen-events.ts';
import { sliceByTimeSpan } from '../../../src/replay/shared/records.ts';
import { buildWorkload, codec, DAY, T0, toRecord } from '../workload.ts';
import { memoryWorld, type ReplayWorld } from '../fixture.ts';

const workload = buildWorkload(4);
const records = workload.events.map((event) => toRecord(event));
/** Every third record twice in a row, as a republished round leaves it (same id, adjacent offsets). */
const republished: AppendRecord[] = records.flatMap((record, i) => (i % 3 === 0 ? [record, record] : [record]));

describe('a log with republished events', () => {
  let world: ReplayWorld;
  let topic: string;
  before(async () => {
    world = await memoryWorld();
    topic = await world.newTopic(2);
    for (const slice of sliceByTimeSpan(republished)) await world.log.append(topic, slice);
    // The live read model, written once per event as the command bus does.
    await world.db.transaction(async (tx) => {
      const uow = createUnitOfWork(tx);
      await uow.apply(workload.events);
      await uow.flush();
    });
  });
  after(() => world.close());

  test('the log does hold duplicates', async () => {
    const ends = await world.log.offsets(topic);
    assert.equal(
      ends.reduce((sum, p) => sum + p.end, 0),
      republished.length,
    );
    assert.ok(republished.length > records.length);
  });

  test('reconstruct counts each event once, with and without snapshots (copies on both sides of one)', async () => {
    const store = createSnapshotStore(world.db);
    // Every 2 records: some snapshots fall between the two copies of an event.
    const snapshotter = createSnapshotter({ log: world.log, codec, store, topic, every: 2 });
    await snapshotter.catchUp();
    await snapshotter.stop();
    for (const deps of [
      { log: world.log, codec },
      { log: world.log, codec, snapshots: store },
    ]) {
      for (const at of [T0 + 10 * DAY, T0 + 60 * DAY]) {
        for (const customerId of workload.customers) {
          const got = await reconstructCustomer(deps, { topic, customerId, at });
          assert.deepEqual(got.view, workload.viewAt(customerId, at), `${customerId} at ${at}`);
        }
      }
      const system = await reconstructSystem(deps, { topic });
      for (const id of workload.customers) assert.deepEqual(system.customers[id], workload.viewAt(id, T0 + 60 * DAY));
    }
  });

  test('diff lists each changing event once and ends at the right state', async () => {
    const from = T0 + 30 * DAY;
    const to = T0 + 40 * DAY;
    for (const customerId of workload.customers) {
      const diff = await diffStates({ log: world.log, codec }, { topic, from, to, customerId });
      assert.deepEqual(diff.after[customerId], workload.viewAt(customerId, to));
      const ids = diff.events.map((e) => e.id);
      assert.equal(new Set(ids).size, ids.length);
    }
  });

  test('the timeline lists each event once', async () => {
    const page = await timeline({ log: world.log, codec }, { topic, maxEvents: 10_000 });
    assert.equal(page.events.length, records.length);
  });

  test('a rebuild from the log equals the live read model', async () => {
    const rowsOf = async (table: string) =>
      (await world.db.query<{ id: string; state: unknown }>(`SELECT id, state FROM ${table} ORDER BY id`)).rows.map(
        (r) => [r.id, r.state],
      );
    const tables = Object.values(READ_MODELS).map((m) => m.table);
    const live = await Promise.all(tables.map(rowsOf));
    await rebuildReadModels({ db: world.db, log: world.log, codec, topic, models: READ_MODELS });
    assert.deepEqual(await Promise.all(tables.map(rowsOf)), live);
  });
});

test('SeenEvents forgets only the oldest ids beyond its capacity', () => {
  const seen = new SeenEvents([], 3);
  assert.deepEqual(
    ['a', 'b', 'a', 'c', 'd', 'b', 'a'].map((id) => seen.firstSighting(id)),
    [true, true, false, true, true, false, true],
  );
  assert.deepEqual(seen.newest(2), ['d', 'a']);
});
