// The snapshotter folds what this process appended from memory (src/log/recent-appends.ts): it fetches
// nothing back from the log for those records, reads from the log what another process appended, and its
// snapshots still equal a plain fold of the log.
import assert from 'node:assert/strict';
import type { Db } from '../../src/store/db.ts';
import type { EventLog } from '../../src/log/event-log.ts';
import { tapAppends } from '../../src/log/recent-appends.ts';
import { createSnapshotStore, createSnapshotter, reconstructSystem } from '../../src/replay/index.ts';
import { appendWorkload, buildWorkload, codec, T0, DAY } from './workload.ts';
import { countingReads } from './counting-reads.ts';

const EVERY = 10;

export async function snapshotterFromAppends(db: Db, log: EventLog, topic: string): Promise<void> {
  const workload = buildWorkload(8);
  const third = Math.floor(workload.events.length / 3);
  const store = createSnapshotStore(db);
  const tapped = tapAppends(log);
  const reads = countingReads(log);
  const snapshotter = createSnapshotter({ log: reads.log, codec, store, topic, every: EVERY, recent: tapped });
  try {
    await appendWorkload(tapped, topic, workload.events.slice(0, third));
    assert.ok((await snapshotter.catchUp()) > 0, 'snapshots saved');
    assert.equal(reads.read(), 0, 'what this process appended is folded without fetching it back');

    // Another process appends (not through this process's tap), then this one again: the gap is read.
    await appendWorkload(log, topic, workload.events.slice(third, 2 * third));
    await appendWorkload(tapped, topic, workload.events.slice(2 * third));
    await snapshotter.catchUp();
    assert.ok(reads.read() >= third, `the other process's records are read from the log: ${reads.read()}`);
    assert.ok(reads.read() < workload.events.length - third, `not everything: ${reads.read()}`);

    const at = T0 + 90 * DAY;
    const viaSnapshots = await reconstructSystem({ log, codec, snapshots: store }, { topic, at });
    const plain = await reconstructSystem({ log, codec }, { topic, at });
    assert.deepEqual(viaSnapshots.customers, plain.customers);
    assert.ok(viaSnapshots.partitions.some((p) => p.snapshotOffset !== null && p.snapshotOffset >= 2 * EVERY));
  } finally {
    await snapshotter.stop();
  }
}
