// Offsets by time: what a topic holds (per partition), where every consumer group stands, which
// offset a moment corresponds to, how many events a window has and how long replaying it takes.
import { groupOffsets, type EventLog, type GroupOffsets } from '../../log/event-log.ts';
import { badReplayRequest } from '../shared/errors.ts';
import { rangeCount, readPages, windowRanges } from '../shared/records.ts';
import { speedFactor, type ReplaySpeed } from '../shared/speed.ts';
import { optionalMillis, toMillis, type TimeInput } from '../shared/time.ts';

export interface PartitionInfo {
  readonly partition: number;
  readonly earliest: number;
  /** The offset the next record gets. */
  readonly latest: number;
  readonly count: number;
  /** Timestamps (ms) of the first and last record kept; null for an empty partition. */
  readonly firstTimestamp: number | null;
  readonly lastTimestamp: number | null;
}

export interface TopicOffsets {
  readonly topic: string;
  readonly partitions: readonly PartitionInfo[];
  readonly count: number;
}

export async function topicOffsets(log: EventLog, topic: string): Promise<TopicOffsets> {
  const bounds = await log.offsets(topic);
  const partitions = await Promise.all(
    bounds.map(async ({ partition, start, end }) => {
      const stamp = async (offset: number) =>
        (await log.read(topic, partition, offset, { max: 1, endOffset: end }))[0]?.timestamp ?? null;
      const empty = end <= start;
      return {
        partition,
        earliest: start,
        latest: end,
        count: Math.max(0, end - start),
        firstTimestamp: empty ? null : await stamp(start),
        lastTimestamp: empty ? null : await stamp(end - 1),
      };
    }),
  );
  return { topic, partitions, count: partitions.reduce((sum, p) => sum + p.count, 0) };
}

export interface AllOffsets {
  readonly topics: readonly TopicOffsets[];
  /** Every group with a committed offset on a topic, with its lag per partition and live members. */
  readonly groups: readonly (GroupOffsets & { readonly members: number })[];
}

/** A Kafka cluster may hold other environments' topics: `topicPrefix` keeps this service's (BSS_TOPIC_PREFIX). */
export async function allOffsets(log: EventLog, topicPrefix = ''): Promise<AllOffsets> {
  const [all, groups] = await Promise.all([log.topics(), log.groups()]);
  const topics = all.filter((topic) => topic.startsWith(topicPrefix));
  const infos = await Promise.all(topics.map((topic) => topicOffsets(log, topic)));
  const positions: (GroupOffsets & { members: number })[] = [];
  // The port lists groups without their topics: ask each group about each topic, keep what it consumes.
  for (const group of groups) {
    for (const topic of topics) {
      const offsets = await groupOffsets(log, group, topic);
      // Members only here (the console's list), not in groupOffsets: the lag metric polls that.
      if (offsets.partitions.some((p) => p.committed !== null))
        positions.push({ ...offsets, members: await log.members(group, topic) });
    }
  }
  return { topics: infos, groups: positions };
}

export interface OffsetAtTime {
  readonly partition: number;
  /** The first offset at or after the time; the partition's end when no record is that late. */
  readonly offset: number;
  readonly atEnd: boolean;
}

export async function offsetsForTime(log: EventLog, topic: string, time: TimeInput): Promise<OffsetAtTime[]> {
  const ms = toMillis(time);
  const bounds = await log.offsets(topic);
  return Promise.all(
    bounds.map(async ({ partition, end }) => {
      const offset = await log.offsetForTime(topic, partition, ms);
      return { partition, offset: offset < 0 ? end : offset, atEnd: offset < 0 };
    }),
  );
}

/**
 * Events with a timestamp in [start, end): offsetForTime at both ends, per partition, without reading
 * a record. For one customer only its partition is involved, but it is read to count that key alone.
 */
export async function countEvents(
  log: EventLog,
  topic: string,
  start?: TimeInput,
  end?: TimeInput,
  customerId?: string,
): Promise<number> {
  const window = {
    ...(start !== undefined ? { start: toMillis(start, 'startTime') } : {}),
    ...(end !== undefined ? { end: toMillis(end, 'endTime') } : {}),
    ...(customerId !== undefined ? { key: customerId } : {}),
  };
  const ranges = await windowRanges(log, topic, window);
  if (customerId === undefined) return rangeCount(ranges);
  let count = 0;
  for (const range of ranges) {
    for await (const page of readPages(log, topic, range, 1000))
      count += page.filter((r) => r.key === customerId).length;
  }
  return count;
}

export interface DurationEstimate {
  readonly events: number;
  /** The window's span in ms: [start, end), or first to last record where a bound is open. */
  readonly spanMs: number;
  readonly speed: ReplaySpeed;
  /** null for STEP_BY_STEP (it takes as long as someone steps). */
  readonly estimatedMs: number | null;
  /** Set when the replay would take longer than LONG_REPLAY_MS: paced replays wait out quiet gaps. */
  readonly warning: string | null;
}

/** A replay estimated to take longer than this (1 day) says so when it starts. */
export const LONG_REPLAY_MS = 86_400_000;

export function longReplayWarning(estimatedMs: number | null, speed: ReplaySpeed): string | null {
  if (estimatedMs === null || estimatedMs <= LONG_REPLAY_MS) return null;
  const days = estimatedMs / LONG_REPLAY_MS;
  const length = days >= 365 ? `${(days / 365.25).toFixed(1)} years` : `${days.toFixed(1)} days`;
  return `at ${speed} this replay is estimated to take ${length}: paced speeds wait out the quiet gaps; use MAX or a narrower window`;
}

export interface EstimateOptions {
  readonly startTime?: TimeInput;
  readonly endTime?: TimeInput;
  readonly speed: ReplaySpeed;
  /** For MAX: events per second, measured (e.g. the throughput of the last replay) or configured. */
  readonly maxEventsPerSecond?: number;
}

/** Default MAX rate when nothing was measured: a conservative figure for the database log. */
export const DEFAULT_MAX_EVENTS_PER_SECOND = 10_000;

/**
 * REAL_TIME takes the span, FAST a tenth, ULTRA_FAST a hundredth; MAX takes count / rate. Pacing
 * starts at the window's start, so the span is measured from it to the end (or to the last record).
 */
export async function estimateReplayDuration(
  log: EventLog,
  topic: string,
  options: EstimateOptions,
): Promise<DurationEstimate> {
  const start = optionalMillis(options.startTime, 'startTime');
  const end = optionalMillis(options.endTime, 'endTime');
  if (start !== undefined && end !== undefined && end < start) throw badReplayRequest('endTime is before startTime');
  const rate = options.maxEventsPerSecond ?? DEFAULT_MAX_EVENTS_PER_SECOND;
  if (!(rate > 0)) throw badReplayRequest('maxEventsPerSecond must be positive');
  const events = await countEvents(log, topic, start, end);
  let spanMs = 0;
  if (start === undefined || end === undefined) {
    const info = await topicOffsets(log, topic);
    const firsts = info.partitions.flatMap((p) => (p.firstTimestamp === null ? [] : [p.firstTimestamp]));
    const lasts = info.partitions.flatMap((p) => (p.lastTimestamp === null ? [] : [p.lastTimestamp]));
    const from = start ?? (firsts.length > 0 ? Math.min(...firsts) : 0);
    const to = end ?? (lasts.length > 0 ? Math.max(...lasts) : from);
    spanMs = Math.max(0, to - from);
  } else spanMs = end - start;
  const factor = speedFactor(options.speed);
  const estimatedMs =
    factor === 0 ? null : Number.isFinite(factor) ? spanMs / factor : Math.ceil((events / rate) * 1000);
  return { events, spanMs, speed: options.speed, estimatedMs, warning: longReplayWarning(estimatedMs, options.speed) };
}
