// One statement over migration 041's indexed columns counts a filter exactly without reading records.
import type { Queryable } from '../../store/db.ts';
import type { RecordMatch, TimeBuckets } from '../event-log.ts';

export async function countByTime(
  db: Queryable,
  topic: string,
  window: TimeBuckets,
  match: RecordMatch,
): Promise<number[]> {
  const { start, end, bucketMs, buckets } = window;
  const params: unknown[] = [topic, Math.trunc(start), Math.trunc(end), bucketMs, buckets - 1];
  const where = ['topic = $1', 'ts >= $2', 'ts < $3'];
  if (match.key !== undefined) where.push(`key = $${params.push(match.key)}`);
  if (match.types?.length) where.push(`type = ANY($${params.push(match.types)}::text[])`);
  if (match.sources?.length) where.push(`source = ANY($${params.push(match.sources)}::text[])`);
  const { rows } = await db.query<{ bucket: number | string; count: number | string }>(
    `SELECT LEAST((ts - $2) / $4, $5) AS bucket, count(*) AS count
       FROM event_log WHERE ${where.join(' AND ')}
      GROUP BY 1`,
    params,
  );
  const counts: number[] = Array.from({ length: buckets }, () => 0);
  for (const row of rows) counts[Number(row.bucket)]! += Number(row.count);
  return counts;
}
