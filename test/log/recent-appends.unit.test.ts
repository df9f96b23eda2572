// The kept appends: a contiguous run of offsets per partition of a watched topic, served from any offset in
// it, started again after a gap, capped, and never kept for a topic nobody watches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppendRecord, EventLog, RecordPosition } from '../../src/log/event-log.ts';
import { tapAppends } from '../../src/log/recent-appends.ts';

/** A log whose appends land where `next` says: partition = the key's number, offsets counted per partition. */
function fakeLog() {
  const ends = new Map<number, number>();
  const appended: AppendRecord[] = [];
  const log = {
    kind: 'database',
    async append(_topic: string, records: readonly AppendRecord[]): Promise<RecordPosition[]> {
      appended.push(...records);
      return records.map((r) => {
        const partition = Number(r.key);
        const offset = ends.get(partition) ?? 0;
        ends.set(partition, offset + 1);
        return { partition, offset };
      });
    },
  } as unknown as EventLog;
  /** Another process's append: offsets move on, nothing passes this process's tap. */
  const skip = (partition: number, n: number) => ends.set(partition, (ends.get(partition) ?? 0) + n);
  return { log, appended, skip };
}

const records = (partition: number, n: number, ts = 1000.7) =>
  Array.from({ length: n }, (_, i) => ({ key: String(partition), value: `v${i}`, timestamp: ts + i }));

test('kept records are the stored ones, from any offset of the run; a reader moving on drops what it passed', async () => {
  const { log } = fakeLog();
  const tapped = tapAppends(log);
  const window = tapped.watch('t');
  await tapped.append('t', [...records(0, 3), ...records(1, 2)]);
  assert.deepEqual(
    window.take(0, 0, 10, 100).map((r) => [r.partition, r.offset, r.value, r.timestamp]),
    [
      [0, 0, 'v0', 1000],
      [0, 1, 'v1', 1001],
      [0, 2, 'v2', 1002],
    ],
  );
  assert.deepEqual(
    window.take(0, 1, 1, 100).map((r) => r.offset),
    [1],
    'max',
  );
  assert.deepEqual(
    window.take(0, 2, 10, 2).map((r) => r.offset),
    [],
    'endOffset',
  );
  assert.deepEqual(window.take(0, 0, 10, 100), [], 'offset 0 was passed and dropped');
  assert.deepEqual(
    window.take(1, 0, 10, 100).map((r) => r.offset),
    [0, 1],
  );
  assert.deepEqual(window.take(2, 0, 10, 100), [], 'nothing appended there');
});

test('a gap starts the run again; the cap drops the oldest; an unwatched or closed topic keeps nothing', async () => {
  const { log, appended, skip } = fakeLog();
  const tapped = tapAppends(log, 4);
  await tapped.append('t', records(0, 2)); // before anyone watched
  const window = tapped.watch('t');
  assert.deepEqual(window.take(0, 0, 10, 100), []);
  await tapped.append('t', records(0, 2)); // offsets 2, 3
  skip(0, 3); // offsets 4–6 appended elsewhere
  await tapped.append('t', records(0, 6)); // offsets 7–12: a new run, capped to 9–12
  assert.deepEqual(window.take(0, 2, 10, 100), [], 'the run before the gap is gone');
  assert.deepEqual(window.take(0, 8, 10, 100), [], 'dropped by the cap');
  assert.deepEqual(
    window.take(0, 9, 10, 100).map((r) => r.offset),
    [9, 10, 11, 12],
  );
  await tapped.append('other', records(0, 1));
  window.close();
  await tapped.append('t', records(0, 1));
  assert.deepEqual(window.take(0, 13, 10, 100), [], 'closed');
  assert.equal(appended.length, 12, 'every append reached the log');
});

test('a record without a timestamp is stamped once: the log and the kept record get the same', async () => {
  const { log, appended } = fakeLog();
  const tapped = tapAppends(log);
  const window = tapped.watch('t');
  await tapped.append('t', [{ key: '0', value: 'v' }]);
  const [kept] = window.take(0, 0, 1, 1);
  assert.equal(typeof appended[0]?.timestamp, 'number');
  assert.equal(kept?.timestamp, appended[0]?.timestamp);
  assert.deepEqual(kept?.headers, {});
});
