import { notFound } from '../../errors.ts';
import type { Queryable } from '../../store/db.ts';
import type { RecordPosition } from '../event-log.ts';

const UPSERT = `ON CONFLICT (group_id, topic, partition)
  DO UPDATE SET committed = EXCLUDED.committed, updated_at = now()`;

export async function commitOffsets(
  db: Queryable,
  group: string,
  topic: string,
  positions: readonly RecordPosition[],
): Promise<void> {
  // An upsert may not touch a row twice: the last position given wins.
  const latest = new Map<number, number>();
  for (const { partition, offset } of positions) {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`a committed offset is ≥ 0, got ${offset}`);
    latest.set(partition, offset);
  }
  if (latest.size === 0) return;
  await db.query(
    `INSERT INTO event_log_offsets (group_id, topic, partition, committed)
     SELECT $1, $2, p, o FROM unnest($3::integer[], $4::bigint[]) AS c(p, o) ${UPSERT}`,
    [group, topic, [...latest.keys()], [...latest.values()]],
  );
}

/** Only while `member` holds the lease, so a member that stalled cannot move the new owner's offset. */
export async function commitAsOwner(
  db: Queryable,
  group: string,
  topic: string,
  member: string,
  position: RecordPosition,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO event_log_offsets (group_id, topic, partition, committed)
     SELECT $1, $2, $3, $4 WHERE EXISTS (
       SELECT 1 FROM event_log_leases WHERE group_id = $1 AND topic = $2 AND partition = $3 AND owner = $5)
     ${UPSERT}`,
    [group, topic, position.partition, position.offset, member],
  );
  return rowCount > 0;
}

export async function liveMembers(db: Queryable, group: string, topic: string): Promise<number> {
  const { rows } = await db.query<{ n: number | string }>(
    'SELECT count(*) AS n FROM event_log_members WHERE group_id = $1 AND topic = $2 AND expires_at > now()',
    [group, topic],
  );
  return Number(rows[0]?.n ?? 0);
}

export async function committedOffsets(
  db: Queryable,
  group: string,
  topic: string,
): Promise<Map<number, number | null>> {
  const { rows } = await db.query<{ partition: number; committed: number | string | null }>(
    `SELECT p.partition, o.committed FROM event_log_partitions p
       LEFT JOIN event_log_offsets o ON o.group_id = $1 AND o.topic = p.topic AND o.partition = p.partition
      WHERE p.topic = $2 ORDER BY p.partition`,
    [group, topic],
  );
  if (rows.length === 0) throw notFound('topic', topic);
  return new Map(rows.map((r) => [r.partition, r.committed === null ? null : Number(r.committed)]));
}

export async function listGroups(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ group_id: string }>(
    `SELECT group_id FROM event_log_offsets UNION SELECT group_id FROM event_log_members ORDER BY group_id`,
  );
  return rows.map((r) => r.group_id);
}
