// The cursor is the next offset of every partition read: stable whatever is appended later, and
// opaque to the client.
import type { EventCodec } from '../../events/codec.ts';
import type { EventLog, LogRecord } from '../../log/event-log.ts';
import { badReplayRequest } from '../shared/errors.ts';
import { compileFilter, decodeRecord, type Decoded, type EventFilter } from '../shared/filter.ts';
import { SeenEvents } from '../shared/seen-events.ts';
import { mergeByTime, readRange, windowRanges, type PartitionRange } from '../shared/records.ts';
import { optionalMillis, type TimeInput } from '../shared/time.ts';

export interface TimelineRequest {
  readonly topic: string;
  readonly startTime?: TimeInput;
  readonly endTime?: TimeInput;
  readonly filter?: EventFilter;
  readonly maxEvents?: number;
  /** From a previous page's nextCursor (same topic and window). */
  readonly cursor?: string;
  readonly scanLimit?: number;
}

/** A rare filter answers with what one page's scan found and a cursor, not by reading the whole log. */
export const TIMELINE_SCAN_LIMIT = 10_000;

export interface TimelineEvent {
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly customerId: string;
  /** CloudEvents id, type, source, subject and time; null fields for a record that does not decode. */
  readonly id: string | null;
  readonly type: string | null;
  readonly source: string | null;
  readonly subject: string | null;
  readonly time: string | null;
  readonly data: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly invalid?: string;
}

export interface TimelinePage {
  readonly events: readonly TimelineEvent[];
  readonly nextCursor: string | null;
  /** Records read for this page; fewer events than asked with a nextCursor = the scan limit was reached. */
  readonly scanned: number;
}

interface CursorBody {
  readonly v: 1;
  readonly next: Record<string, number>;
}

export function encodeCursor(next: ReadonlyMap<number, number>): string {
  const body: CursorBody = { v: 1, next: Object.fromEntries([...next].map(([p, o]) => [String(p), o])) };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

export function decodeCursor(cursor: string): Map<number, number> {
  try {
    const body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorBody;
    if (body.v !== 1 || typeof body.next !== 'object' || body.next === null) throw new Error('shape');
    const next = new Map<number, number>();
    for (const [p, o] of Object.entries(body.next)) {
      if (!Number.isInteger(Number(p)) || !Number.isSafeInteger(o) || o < 0) throw new Error('values');
      next.set(Number(p), o);
    }
    return next;
  } catch {
    throw badReplayRequest('the cursor is not one this API issued');
  }
}

function toTimelineEvent(record: LogRecord, decoded: Decoded): TimelineEvent {
  const base = {
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    customerId: record.key,
    headers: record.headers,
  };
  if (!decoded.ok) {
    return {
      ...base,
      id: null,
      type: null,
      source: null,
      subject: null,
      time: null,
      data: null,
      invalid: decoded.reason,
    };
  }
  const { event } = decoded;
  return {
    ...base,
    id: event.id,
    type: event.type,
    source: event.source,
    subject: event.subject,
    time: event.time,
    data: event.data,
  };
}

export async function timeline(
  deps: { log: EventLog; codec: EventCodec },
  request: TimelineRequest,
): Promise<TimelinePage> {
  const maxEvents = request.maxEvents ?? 100;
  if (!Number.isInteger(maxEvents) || maxEvents < 1 || maxEvents > 10_000)
    throw badReplayRequest('maxEvents must be a whole number from 1 to 10000');
  const scanLimit = request.scanLimit ?? TIMELINE_SCAN_LIMIT;
  if (!Number.isInteger(scanLimit) || scanLimit < 1 || scanLimit > TIMELINE_SCAN_LIMIT)
    throw badReplayRequest('scanLimit must be a whole number from 1 to 10000');
  const start = optionalMillis(request.startTime, 'startTime');
  const end = optionalMillis(request.endTime, 'endTime');
  const ranges = await windowRanges(deps.log, request.topic, {
    ...(start !== undefined ? { start } : {}),
    ...(end !== undefined ? { end } : {}),
    ...(request.filter?.customerId !== undefined ? { key: request.filter.customerId } : {}),
  });
  const resume = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
  const remaining: PartitionRange[] = ranges.map((r) => ({
    ...r,
    from: Math.max(r.from, resume?.get(r.partition) ?? r.from),
  }));
  const next = new Map(remaining.map((r) => [r.partition, r.from]));
  const filter = compileFilter(request.filter, '/querystring/type');
  const events: TimelineEvent[] = [];
  // An unfiltered page rarely needs more than its size; a filtered one reads up to its scan limit.
  const sparse = Boolean(request.filter?.types?.length || request.filter?.sources?.length || request.filter?.text);
  const pageSize = Math.min(1000, sparse ? Math.ceil(scanLimit / Math.max(1, remaining.length)) + 1 : maxEvents + 1);
  const merged = mergeByTime(remaining.map((r) => readRange(deps.log, request.topic, r, pageSize)));
  const seen = new SeenEvents();
  let scanned = 0;
  for await (const record of merged) {
    if (events.length === maxEvents || scanned === scanLimit) break;
    scanned++;
    next.set(record.partition, record.offset + 1);
    if (!filter.keyMatches(record)) continue;
    const decoded = decodeRecord(deps.codec, record, true);
    if (decoded.ok && !seen.firstSighting(decoded.event.id)) continue; // republished copy: listed once
    // An invalid record has no type or source: it shows only in a timeline not filtered by them.
    if (decoded.ok ? !filter.eventMatches(decoded) : request.filter?.types?.length || request.filter?.sources?.length)
      continue;
    events.push(toTimelineEvent(record, decoded));
  }
  await merged.return(undefined);
  const more = remaining.some((r) => (next.get(r.partition) ?? r.from) < r.to);
  return { events, nextCursor: more ? encodeCursor(next) : null, scanned };
}
