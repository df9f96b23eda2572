// Events per time bucket over a topic, for the console's timeline: the offset of each bucket boundary
// per partition (offsetForTime), so counting reads no record and stays cheap over millions of events.
import type { ReplayService } from './service.ts';

export interface Histogram {
  readonly topic: string;
  /** The window [start, end) in ms; null start/end = the topic is empty. */
  readonly start: number | null;
  readonly end: number | null;
  readonly bucketMs: number;
  readonly buckets: { readonly start: number; readonly count: number }[];
  readonly total: number;
}

async function boundary(service: ReplayService, topic: string, time: number): Promise<number> {
  const offsets = await service.offsetsForTime(topic, time);
  return offsets.reduce((sum, p) => sum + p.offset, 0);
}

/** Without start/end, the window is the topic's first to last record. */
export async function eventHistogram(
  service: ReplayService,
  topic: string,
  window: { start?: number; end?: number; buckets: number },
): Promise<Histogram> {
  const offsets = await service.topicOffsets(topic);
  const stamps = offsets.partitions.flatMap((p) => [p.firstTimestamp, p.lastTimestamp].filter((t) => t !== null));
  const start = window.start ?? (stamps.length > 0 ? Math.min(...stamps) : null);
  const end = window.end ?? (stamps.length > 0 ? Math.max(...stamps) + 1 : null);
  if (start === null || end === null || end <= start) {
    return { topic, start, end, bucketMs: 0, buckets: [], total: 0 };
  }
  const bucketMs = Math.max(1, Math.ceil((end - start) / window.buckets));
  const edges: number[] = [];
  for (let t = start; t < end; t += bucketMs) edges.push(t);
  edges.push(end);
  // Sum over partitions of the first offset at or after each edge: differences are the counts.
  const positions = await Promise.all(edges.map((t) => boundary(service, topic, t)));
  const buckets = edges.slice(0, -1).map((t, i) => ({ start: t, count: positions[i + 1]! - positions[i]! }));
  return { topic, start, end, bucketMs, buckets, total: positions.at(-1)! - positions[0]! };
}
