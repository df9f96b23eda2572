// The snapshotter continues from the latest stored snapshot: a snapshotter started after another one
// (a restart, or leadership moving to another worker or instance) reads only the records after that
// snapshot, never the log again from the start, and its snapshots still equal a plain fold.
import assert from 'node:assert/strict';
import type { Db } from '../../src/store/db.ts';
import type { EventLog } from '../../src/log/event-log.ts';
import { createSnapshotStore, createSnapshotter, reconstructSystem } from '../../src/replay/index.ts';
import { appendWorkload, buildWorkload, codec, T0, DAY } from './workload.ts';
import { countingReads as counting } from './counting-reads.ts';

const EVERY = 10;

/** Records after the last snapshot boundary of each partition: what a resuming snapshotter must read. */
const afterLastBoundary = (before: readonly number[], after: readonly number[]) =>
  after.reduce((sum, end, p) => sum + end - Math.floor((before[p] ?? 0) / EVERY) * EVERY, 0);

export async function snapshotterHandover(db: Db, log: EventLog, topic: string): Promise<void> {
  const workload = buildWorkload(8);
  const half = Math.floor(workload.events.length / 2);
  const store = createSnapshotStore(db);
  const ends = async () => (await log.offsets(topic)).map((p) => p.end);

  await appendWorkload(log, topic, workload.events.slice(0, half));
  const first = counting(log);
  await createSnapshotter({ log: first.log, codec, store, topic, every: EVERY }).catchUp();
  const firstEnds = await ends();
  assert.equal(first.read(), half, 'the first snapshotter folds the whole log once');

  await appendWorkload(log, topic, workload.events.slice(half));
  const second = counting(log);
  const saved = await createSnapshotter({ log: second.log, codec, store, topic, every: EVERY }).catchUp();
  const secondEnds = await ends();
  assert.ok(saved > 0);
  assert.equal(second.read(), afterLastBoundary(firstEnds, secondEnds), 'only what follows the last snapshots');
  assert.ok(second.read() < workload.events.length - half + firstEnds.length * EVERY);

  // A third one, with nothing appended: it reads only each partition's tail after its last snapshot.
  const third = counting(log);
  assert.equal(await createSnapshotter({ log: third.log, codec, store, topic, every: EVERY }).catchUp(), 0);
  assert.equal(third.read(), afterLastBoundary(secondEnds, secondEnds));

  // The snapshots the second one saved from the first's are right: reconstruction through them equals a fold.
  const at = T0 + 90 * DAY;
  const viaSnapshots = await reconstructSystem({ log, codec, snapshots: store }, { topic, at });
  const plain = await reconstructSystem({ log, codec }, { topic, at });
  assert.deepEqual(viaSnapshots.customers, plain.customers);
  assert.ok(viaSnapshots.partitions.some((p) => p.snapshotOffset !== null && p.snapshotOffset >= EVERY));
}
