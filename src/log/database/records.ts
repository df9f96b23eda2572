// bigint columns arrive as strings from pg, numbers from PGlite; Number() takes both (all far below 2^53).
import { notFound } from '../../errors.ts';
import type { Queryable } from '../../store/db.ts';
import {
  DEFAULT_READ_MAX,
  type EventLog,
  type LogRecord,
  type PartitionOffsets,
  type ReadOptions,
} from '../event-log.ts';

interface RecordRow {
  offset: number | string;
  ts: number | string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

export async function readRecords(
  db: Queryable,
  topic: string,
  partition: number,
  fromOffset: number,
  options: ReadOptions = {},
): Promise<LogRecord[]> {
  const max = options.max ?? DEFAULT_READ_MAX;
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`read max must be a whole number ≥ 1, got ${max}`);
  const { rows } = await db.query<RecordRow>(
    `SELECT "offset", ts, key, value, headers FROM event_log
      WHERE topic = $1 AND partition = $2 AND "offset" >= $3 AND "offset" < $4
      ORDER BY "offset" LIMIT $5`,
    [topic, partition, fromOffset, options.endOffset ?? Number.MAX_SAFE_INTEGER, max],
  );
  return rows.map((row) => ({
    topic,
    partition,
    offset: Number(row.offset),
    timestamp: Number(row.ts),
    key: row.key,
    value: row.value,
    headers: row.headers,
  }));
}

export async function offsetForTime(
  db: Queryable,
  topic: string,
  partition: number,
  timestamp: number,
): Promise<number> {
  const { rows } = await db.query<{ offset: number | string }>(
    `SELECT "offset" FROM event_log WHERE topic = $1 AND partition = $2 AND ts >= $3
      ORDER BY ts, "offset" LIMIT 1`,
    [topic, partition, timestamp],
  );
  return rows[0] ? Number(rows[0].offset) : -1;
}

export async function partitionOffsets(db: Queryable, topic: string): Promise<PartitionOffsets[]> {
  const { rows } = await db.query<{ partition: number; start_offset: number | string; next_offset: number | string }>(
    'SELECT partition, start_offset, next_offset FROM event_log_partitions WHERE topic = $1 ORDER BY partition',
    [topic],
  );
  if (rows.length === 0) throw notFound('topic', topic);
  return rows.map((r) => ({ partition: r.partition, start: Number(r.start_offset), end: Number(r.next_offset) }));
}

export const databaseLogReader = (db: Queryable): Pick<EventLog, 'read' | 'offsets'> => ({
  read: (topic, partition, fromOffset, options) => readRecords(db, topic, partition, fromOffset, options),
  offsets: (topic) => partitionOffsets(db, topic),
});
