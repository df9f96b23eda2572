// Consumer-group membership over the database: a member row kept alive by heartbeats, and one lease
// per partition naming the member that consumes it. There is no coordinator: every member computes
// its own share from the same rows and claims or releases leases to reach it, so the group settles
// after a heartbeat or two whenever a member joins or leaves. Expiry uses the database clock.
import type { Queryable } from '../../store/db.ts';

export interface Membership {
  readonly member: string;
  /** Keeps the member and its leases alive; returns the partitions whose leases it still holds. */
  heartbeat(): Promise<Set<number>>;
  /** How many of the topic's partitions this member should own now. */
  share(partitions: number): Promise<number>;
  /** Takes up to `count` partitions that nobody holds (or whose holder's lease expired). */
  claim(count: number): Promise<number[]>;
  release(partitions: readonly number[]): Promise<void>;
  /** Deletes the member and its leases so the others take its partitions over at once. */
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
      // Members that stopped without leaving; their leases expire on their own.
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
      // Like Kafka's range assignor, every live member gets floor(P/M) and P mod M of them one more.
      // The extra ones go to the members that already hold the most, so a stable group keeps its
      // assignment instead of shuffling partitions whenever the ranking by id would differ.
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
      // Two members may pick the same free partition; ON CONFLICT lets only one of them have it, the
      // other tries again at its next heartbeat.
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
