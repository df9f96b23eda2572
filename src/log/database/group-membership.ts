// No coordinator: every member computes its share from the same rows (database clock) and claims or releases
// leases to reach it.
import type { Queryable } from '../../store/db.ts';

export interface Membership {
  readonly member: string;
  heartbeat(): Promise<Set<number>>;
  share(partitions: number): Promise<number>;
  claim(count: number): Promise<number[]>;
  release(partitions: readonly number[]): Promise<void>;
  /** So the others take its partitions over at once. */
  leave(): Promise<void>;
}

export function createMembership(
  db: Queryable,
  group: string,
  topic: string,
  member: string,
  sessionTimeoutMs: number,
): Membership {
  const key = [group, topic, member] as const;
  const expiry = `now() + $4 * interval '1 millisecond'`;
  return {
    member,

    async heartbeat() {
      await db.query(
        `INSERT INTO event_log_members (group_id, topic, member_id, expires_at) VALUES ($1, $2, $3, ${expiry})
         ON CONFLICT (group_id, topic, member_id) DO UPDATE SET expires_at = EXCLUDED.expires_at`,
        [...key, sessionTimeoutMs],
      );
      await db.query(
        'DELETE FROM event_log_members WHERE group_id = $1 AND topic = $2 AND member_id <> $3 AND expires_at < now()',
        key,
      );
      const { rows } = await db.query<{ partition: number }>(
        `UPDATE event_log_leases SET expires_at = ${expiry}
          WHERE group_id = $1 AND topic = $2 AND owner = $3 RETURNING partition`,
        [...key, sessionTimeoutMs],
      );
      return new Set(rows.map((r) => r.partition));
    },

    async share(partitions) {
      // floor(P/M) each, the extras to members already holding the most, so a stable group does not shuffle.
      const { rows } = await db.query<{ member_id: string }>(
        `SELECT m.member_id FROM event_log_members m
           LEFT JOIN event_log_leases l ON l.group_id = m.group_id AND l.topic = m.topic
                                       AND l.owner = m.member_id AND l.expires_at > now()
          WHERE m.group_id = $1 AND m.topic = $2 AND m.expires_at > now()
          GROUP BY m.member_id ORDER BY count(l.partition) DESC, m.member_id`,
        [group, topic],
      );
      const members = Math.max(rows.length, 1);
      const rank = rows.findIndex((r) => r.member_id === member);
      const base = Math.floor(partitions / members);
      return rank >= 0 && rank < partitions % members ? base + 1 : base;
    },

    async claim(count) {
      if (count <= 0) return [];
      // ON CONFLICT gives a free partition to one of two claimers; the other retries next heartbeat.
      const { rows } = await db.query<{ partition: number }>(
        `INSERT INTO event_log_leases (group_id, topic, partition, owner, expires_at)
         SELECT $1, $2, p.partition, $3, ${expiry}
           FROM event_log_partitions p
           LEFT JOIN event_log_leases l ON l.group_id = $1 AND l.topic = p.topic AND l.partition = p.partition
          WHERE p.topic = $2 AND (l.owner IS NULL OR l.expires_at <= now())
          ORDER BY p.partition LIMIT $5
         ON CONFLICT (group_id, topic, partition)
           DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
           WHERE event_log_leases.expires_at <= now()
         RETURNING partition`,
        [...key, sessionTimeoutMs, count],
      );
      return rows.map((r) => r.partition).sort((a, b) => a - b);
    },

    async release(partitions) {
      if (partitions.length === 0) return;
      await db.query(
        `DELETE FROM event_log_leases
          WHERE group_id = $1 AND topic = $2 AND owner = $3 AND partition = ANY($4::integer[])`,
        [...key, partitions],
      );
    },

    async leave() {
      await db.query('DELETE FROM event_log_leases WHERE group_id = $1 AND topic = $2 AND owner = $3', key);
      await db.query('DELETE FROM event_log_members WHERE group_id = $1 AND topic = $2 AND member_id = $3', key);
    },
  };
}
