// The cache consumer's group is per process (each L1 must hear every event), so a process that is
// gone must not leave its group behind, its lag growing forever: the group is deleted on a clean
// stop, and groups with no live member (a crash, a kill -9) are swept when the next instance starts.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Admin } from '@platformatic/kafka';
import type { Queryable } from '../store/db.ts';
import { baseClientOptions, resolveKafkaOptions } from '../log/kafka/options.ts';

export const CACHE_GROUP_PREFIX = 'bss-cache-';

export const instanceGroup = (): string =>
  `${CACHE_GROUP_PREFIX}${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;

export interface GroupJanitor {
  /** Deletes a group whose members have all left. */
  remove(group: string): Promise<void>;
  /** Deletes the groups under `prefix` that have no live member; returns their names. */
  sweep(prefix: string): Promise<string[]>;
  close(): Promise<void>;
}

/** Database log: a group is its committed offsets plus its member and lease rows. */
export function databaseGroupJanitor(db: Queryable): GroupJanitor {
  const forget = async (groups: readonly string[]) => {
    for (const table of ['event_log_leases', 'event_log_members', 'event_log_offsets'])
      await db.query(`DELETE FROM ${table} WHERE group_id = ANY($1::text[])`, [groups]);
  };
  return {
    remove: (group) => forget([group]),
    async sweep(prefix) {
      const { rows } = await db.query<{ group_id: string }>(
        `SELECT DISTINCT o.group_id FROM event_log_offsets o
          WHERE starts_with(o.group_id, $1) AND NOT EXISTS (
            SELECT 1 FROM event_log_members m WHERE m.group_id = o.group_id AND m.expires_at > now())`,
        [prefix],
      );
      const groups = rows.map((r) => r.group_id);
      if (groups.length > 0) await forget(groups);
      return groups;
    },
    close: async () => {},
  };
}

/** Kafka: the coordinator marks a group Empty once its last member left or timed out. */
export function kafkaGroupJanitor(brokers: readonly string[]): GroupJanitor {
  const admin = new Admin(baseClientOptions(resolveKafkaOptions({ brokers, clientId: 'bss' }), 'group-janitor'));
  return {
    remove: (group) => admin.deleteGroups({ groups: [group] }),
    async sweep(prefix) {
      const empty = await admin.listGroups({ states: ['EMPTY'] });
      const groups = [...empty.keys()].filter((id) => id.startsWith(prefix));
      if (groups.length > 0) await admin.deleteGroups({ groups });
      return groups;
    },
    close: () => admin.close(),
  };
}
