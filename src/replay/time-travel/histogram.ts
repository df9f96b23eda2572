// Each bucket's count is the difference of its edges' log positions (one offsetsForTimes call), so an
// unfiltered histogram reads no record however big the log is.
import type { EventLog } from '../../log/event-log.ts';
import type { EventFilter } from '../shared/filter.ts';
import { filteredCounts } from './filtered-histogram.ts';
import { topicOffsets } from '../offsets/index.ts';

export interface Histogram {
  readonly topic: string;
  /** The window [start, end) in ms; null start/end = the topic is empty. */
  readonly start: number | null;
  readonly end: number | null;
  readonly bucketMs: number;
  readonly buckets: { readonly start: number; readonly count: number }[];
  readonly total: number;
  /** How: log positions (unfiltered), the log's own count (indexed filters), or reading the records. */
  readonly countedBy: 'positions' | 'log' | 'scan';
  readonly scanned: number;
  /** A filtered window larger than the scan limit: counts are complete only before countedUntil. */
  readonly partial: boolean;
  readonly countedUntil: number | null;
}

export interface HistogramWindow {
  readonly start?: number;
  readonly end?: number;
  readonly buckets: number;
  /** Only the events of these types, customer and sources (read from the records, bounded). */
  readonly filter?: EventFilter;
  readonly scanLimit?: number;
}

async function span(log: EventLog, topic: string): Promise<{ start: number | null; end: number | null }> {
  const offsets = await topicOffsets(log, topic);
  const stamps = offsets.partitions.flatMap((p) => [p.firstTimestamp, p.lastTimestamp].filter((t) => t !== null));
  return stamps.length > 0 ? { start: Math.min(...stamps), end: Math.max(...stamps) + 1 } : { start: null, end: null };
}

function bucketEdges(start: number, end: number, buckets: number): { bucketMs: number; edges: number[] } {
  const bucketMs = Math.max(1, Math.ceil((end - start) / buckets));
  const edges: number[] = [];
  for (let t = start; t < end; t += bucketMs) edges.push(t);
  edges.push(end);
  return { bucketMs, edges };
}

/** Without start/end, the window is the topic's first to last record. */
export async function eventHistogram(log: EventLog, topic: string, window: HistogramWindow): Promise<Histogram> {
  const open = window.start === undefined || window.end === undefined ? await span(log, topic) : undefined;
  const start = window.start ?? open?.start ?? null;
  const end = window.end ?? open?.end ?? null;
  if (start === null || end === null || end <= start) {
    await log.partitionCount(topic); // an unknown topic is a 404, not an empty histogram
    const empty = { bucketMs: 0, buckets: [], total: 0, scanned: 0, partial: false, countedUntil: null };
    return { topic, start, end, countedBy: 'positions', ...empty };
  }
  const { bucketMs, edges } = bucketEdges(start, end, window.buckets);
  const { filter } = window;
  if (filter?.types?.length || filter?.sources?.length || filter?.customerId !== undefined || filter?.text) {
    const counted = await filteredCounts(log, topic, { start, edges, bucketMs, filter, scanLimit: window.scanLimit });
    const buckets = counted.counts.map((count, i) => ({ start: edges[i]!, count }));
    const total = counted.counts.reduce((sum, n) => sum + n, 0);
    const { countedBy, scanned, countedUntil } = counted;
    const partial = countedUntil !== null;
    return { topic, start, end, countedBy, bucketMs, buckets, total, scanned, partial, countedUntil };
  }
  const positions = (await log.offsetsForTimes(topic, edges)).map((p) => p.reduce((sum, o) => sum + o, 0));
  const buckets = edges.slice(0, -1).map((t, i) => ({ start: t, count: positions[i + 1]! - positions[i]! }));
  const total = positions.at(-1)! - positions[0]!;
  return {
    topic,
    start,
    end,
    countedBy: 'positions',
    bucketMs,
    buckets,
    total,
    scanned: 0,
    partial: false,
    countedUntil: null,
  };
}
