// The records this process appended, kept for a reader in the same process (the replay snapshotter) so it
// need not fetch them back from the log. For a log that stores the given timestamp (Kafka, CreateTime). Only a contiguous run of offsets per partition is kept: a gap
// (another process appended, an append whose answer was lost) starts the run again, and the reader reads
// whatever it does not find here from the log itself.
import type { AppendRecord, EventLog, LogRecord, RecordPosition } from './event-log.ts';

/** Per partition; past it the oldest go (the reader fetches them). */
export const RECENT_APPENDS_PER_PARTITION = 20_000;

export interface RecentWindow {
  /** Records of `partition` from `fromOffset` (at most `max`, before `endOffset`), or [] if this window does
   * not hold `fromOffset`. Records before `fromOffset` are dropped: a reader only moves forward. */
  take(partition: number, fromOffset: number, max: number, endOffset: number): LogRecord[];
  close(): void;
}

export interface RecentAppends {
  /** Keeps the records appended to `topic` from now until the window is closed. */
  watch(topic: string): RecentWindow;
}

interface Run {
  first: number;
  records: LogRecord[];
}

export function tapAppends(log: EventLog, perPartition = RECENT_APPENDS_PER_PARTITION): EventLog & RecentAppends {
  const watched = new Map<string, Map<number, Run>>();

  function keep(topic: string, records: readonly AppendRecord[], positions: readonly RecordPosition[]) {
    const runs = watched.get(topic);
    if (!runs) return;
    positions.forEach(({ partition, offset }, i) => {
      const { key, value, headers, timestamp } = records[i] as AppendRecord & { timestamp: number };
      const record: LogRecord = {
        topic,
        partition,
        offset,
        key,
        value,
        timestamp: Math.trunc(timestamp),
        headers: headers ?? {},
      };
      const run = runs.get(partition);
      if (run && run.first + run.records.length === offset) run.records.push(record);
      else runs.set(partition, { first: offset, records: [record] });
    });
    for (const run of runs.values()) {
      const over = run.records.length - perPartition;
      if (over > 0) {
        run.records.splice(0, over);
        run.first += over;
      }
    }
  }

  return {
    ...log,
    async append(topic, records) {
      // The log stores a timestamp either way: fixed here, the kept record is the stored one.
      const now = Date.now();
      const stamped = records.map((r) => (r.timestamp === undefined ? { ...r, timestamp: now } : r));
      const positions = await log.append(topic, stamped);
      keep(topic, stamped, positions);
      return positions;
    },
    watch(topic) {
      const runs = new Map<number, Run>();
      watched.set(topic, runs);
      return {
        take(partition, fromOffset, max, endOffset) {
          const run = runs.get(partition);
          if (!run) return [];
          const start = fromOffset - run.first;
          if (start < 0 || start >= run.records.length) return [];
          run.records.splice(0, start);
          run.first = fromOffset;
          const count = Math.min(max, endOffset - fromOffset, run.records.length);
          return run.records.slice(0, Math.max(0, count));
        },
        close() {
          if (watched.get(topic) === runs) watched.delete(topic);
        },
      };
    },
  };
}
