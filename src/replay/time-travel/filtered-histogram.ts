// A log that indexes type, key and source counts a filtered window itself; otherwise (Kafka, free text)
// the window is read in time order up to a scan limit, and a larger window answers `partial`.
import type { EventLog } from '../../log/event-log.ts';
import { badReplayRequest } from '../shared/errors.ts';
import { cloudEventType } from '../../events/envelope.ts';
import { compileFilter, knownEventType, parseRecord, type EventFilter } from '../shared/filter.ts';
import { readWindowByTime, windowRanges } from '../shared/records.ts';

export const HISTOGRAM_SCAN_LIMIT = 100_000;

export interface FilteredWindow {
  readonly start: number;
  readonly edges: readonly number[];
  readonly bucketMs: number;
  readonly filter: EventFilter;
  readonly scanLimit?: number | undefined;
}

export interface FilteredCounts {
  readonly counts: number[];
  /** 'log': counted by the log itself (no record read); 'scan': the records read here. */
  readonly countedBy: 'log' | 'scan';
  readonly scanned: number;
  /** Set when the scan limit stopped the count: every record before this time was counted. */
  readonly countedUntil: number | null;
}

export async function filteredCounts(log: EventLog, topic: string, window: FilteredWindow): Promise<FilteredCounts> {
  const { start, edges, bucketMs, filter } = window;
  const end = edges.at(-1)!;
  const scanLimit = window.scanLimit ?? HISTOGRAM_SCAN_LIMIT;
  if (!Number.isInteger(scanLimit) || scanLimit < 1 || scanLimit > HISTOGRAM_SCAN_LIMIT)
    throw badReplayRequest(`scanLimit must be a whole number from 1 to ${HISTOGRAM_SCAN_LIMIT}`);
  const matcher = compileFilter(filter, '/querystring/type');
  // Only the type and source need the record parsed; a customer filter is the record's key.
  const parse = Boolean(filter.types?.length || filter.sources?.length);
  // A record can be of a type only if its JSON holds the type's CloudEvents name as a string: the
  // others skip the parse.
  const types = filter.types?.map((t) => cloudEventType(knownEventType(t, '/querystring/type')));
  if (log.countByTime && !filter.text) {
    const match = { key: filter.customerId, types, sources: filter.sources };
    const buckets = { start, end, bucketMs, buckets: edges.length - 1 };
    await log.partitionCount(topic); // an unknown topic is a 404, not empty counts
    return { counts: await log.countByTime(topic, buckets, match), countedBy: 'log', scanned: 0, countedUntil: null };
  }
  const names = types?.map((type) => JSON.stringify(type));
  const counts = edges.slice(0, -1).map(() => 0);
  const ranges = await windowRanges(log, topic, {
    start,
    end,
    ...(filter.customerId !== undefined ? { key: filter.customerId } : {}),
  });
  const records = readWindowByTime(log, topic, ranges, 1000);
  let scanned = 0;
  let countedUntil: number | null = null;
  for await (const record of records) {
    if (scanned === scanLimit) {
      countedUntil = record.timestamp; // every record before it was read (time order)
      break;
    }
    scanned++;
    if (!matcher.keyMatches(record)) continue;
    if (parse) {
      if (names?.length && !names.some((name) => record.value.includes(name))) continue;
      const parsed = parseRecord(record);
      if (!parsed.ok || !matcher.eventMatches(parsed)) continue;
    }
    counts[Math.min(counts.length - 1, Math.floor((record.timestamp - start) / bucketMs))]!++;
  }
  await records.return(undefined);
  return { counts, countedBy: 'scan', scanned, countedUntil };
}
