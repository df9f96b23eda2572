// One statement over the time index: a histogram is one round trip, not one per bucket edge.
import { notFound } from '../../errors.ts';
import type { Queryable } from '../../store/db.ts';

export async function offsetsForTimes(db: Queryable, topic: string, times: readonly number[]): Promise<number[][]> {
  if (times.length === 0) return [];
  const { rows } = await db.query<{ i: number | string; partition: number; offset: number | string }>(
    `SELECT e.i, p.partition,
            GREATEST(p.start_offset, COALESCE(
              (SELECT l."offset" FROM event_log l
                WHERE l.topic = p.topic AND l.partition = p.partition AND l.ts >= e.t
                ORDER BY l.ts, l."offset" LIMIT 1),
              p.next_offset)) AS "offset"
       FROM unnest($2::bigint[]) WITH ORDINALITY AS e(t, i)
       CROSS JOIN event_log_partitions p
      WHERE p.topic = $1
      ORDER BY e.i, p.partition`,
    [topic, times.map((t) => Math.trunc(t))],
  );
  // Every topic has at least one partition: no rows means no such topic.
  if (rows.length === 0) throw notFound('topic', topic);
  const offsets: number[][] = times.map(() => []);
  for (const row of rows) offsets[Number(row.i) - 1]![row.partition] = Number(row.offset);
  return offsets;
}
