// The very records consumers see (ARCHITECTURE habit 7), merged by timestamp where order across partitions matters.
import type { EventLog, LogRecord } from '../../log/event-log.ts';
import { partitionFor } from '../../log/partitioner.ts';

export interface PartitionRange {
  readonly partition: number;
  from: number;
  readonly to: number;
}

export interface WindowOptions {
  readonly start?: number;
  /** Exclusive; default the partition's end at the time of the call. */
  readonly end?: number;
  readonly key?: string;
}

/** offsetForTime's -1 becomes the partition's end, so a window beyond the log is empty, never "everything". */
export async function windowRanges(
  log: EventLog,
  topic: string,
  window: WindowOptions = {},
): Promise<PartitionRange[]> {
  const bounds = await log.offsets(topic);
  const wanted = window.key === undefined ? undefined : partitionFor(window.key, bounds.length);
  const selected = bounds.filter((b) => wanted === undefined || b.partition === wanted);
  return Promise.all(
    selected.map(async ({ partition, start, end }) => {
      const at = async (time: number | undefined, fallback: number) => {
        if (time === undefined) return fallback;
        const offset = await log.offsetForTime(topic, partition, time);
        return offset < 0 ? end : Math.max(offset, start);
      };
      const from = await at(window.start, start);
      const to = await at(window.end, end);
      return { partition, from, to: Math.max(from, to) };
    }),
  );
}

export const rangeCount = (ranges: readonly PartitionRange[]): number =>
  ranges.reduce((sum, r) => sum + (r.to - r.from), 0);

export async function* readPages(
  log: Pick<EventLog, 'read'>,
  topic: string,
  range: PartitionRange,
  pageSize = 500,
): AsyncGenerator<LogRecord[]> {
  let next = range.from;
  while (next < range.to) {
    const page = await log.read(topic, range.partition, next, { max: pageSize, endOffset: range.to });
    const last = page.at(-1);
    if (!last) return; // retention removed the rest, or the log is shorter than the range said
    yield page;
    next = last.offset + 1;
  }
}

export async function* readRange(
  log: EventLog,
  topic: string,
  range: PartitionRange,
  pageSize = 500,
): AsyncGenerator<LogRecord> {
  for await (const page of readPages(log, topic, range, pageSize)) yield* page;
}

/** By (timestamp, partition, offset): each partition keeps its order on the global timeline. */
export async function* mergeByTime(sources: readonly AsyncIterator<LogRecord>[]): AsyncGenerator<LogRecord> {
  const heads: Array<{ record: LogRecord; source: AsyncIterator<LogRecord> }> = [];
  for (const source of sources) {
    const first = await source.next();
    if (!first.done) heads.push({ record: first.value, source });
  }
  const before = (a: LogRecord, b: LogRecord) =>
    a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset;
  while (heads.length > 0) {
    // Few partitions: a linear scan is cheaper than keeping a heap.
    let best = 0;
    for (let i = 1; i < heads.length; i++) if (before(heads[i]!.record, heads[best]!.record) < 0) best = i;
    const head = heads[best]!;
    yield head.record;
    const next = await head.source.next();
    if (next.done) heads.splice(best, 1);
    else head.record = next.value;
  }
}

export function readWindowByTime(
  log: EventLog,
  topic: string,
  ranges: readonly PartitionRange[],
  pageSize = 500,
): AsyncGenerator<LogRecord> {
  return mergeByTime(ranges.map((range) => readRange(log, topic, range, pageSize)));
}

/** Record timestamp deltas ≥ 2^31 ms come back corrupted (see log/kafka/producer.ts): append in slices. */
export const MAX_APPEND_SPAN_MS = 2 ** 31 - 1;

export function sliceByTimeSpan<T extends { timestamp?: number }>(
  items: readonly T[],
  maxSpanMs = MAX_APPEND_SPAN_MS,
): T[][] {
  const slices: T[][] = [];
  let current: T[] = [];
  let first: number | undefined;
  for (const item of items) {
    const ts = item.timestamp ?? Date.now();
    if (current.length > 0 && Math.abs(ts - (first ?? ts)) >= maxSpanMs) {
      slices.push(current);
      current = [];
    }
    if (current.length === 0) first = ts;
    current.push(item);
  }
  if (current.length > 0) slices.push(current);
  return slices;
}
