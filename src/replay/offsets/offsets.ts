import { groupOffsets, type EventLog, type GroupOffsets } from '../../log/event-log.ts';
import { badReplayRequest } from '../shared/errors.ts';
import { rangeCount, readPages, windowRanges } from '../shared/records.ts';
import { speedFactor, type ReplaySpeed } from '../shared/speed.ts';
import { optionalMillis, toMillis, type TimeInput } from '../shared/time.ts';

export interface PartitionInfo {
  readonly partition: number;
  readonly earliest: number;
  readonly latest: number;
  readonly count: number;
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

/** Counted from offsets without reading records, except one customer's partition, read to count that key. */
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
  readonly spanMs: number;
  readonly speed: ReplaySpeed;
  readonly estimatedMs: number | null;
  readonly warning: string | null;
}

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
  readonly maxEventsPerSecond?: number;
}

export const DEFAULT_MAX_EVENTS_PER_SECOND = 10_000;

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
