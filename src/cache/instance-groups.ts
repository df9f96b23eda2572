// Each process has its own group (each L1 hears every event): deleted on a clean stop, swept at the next
// start when memberless, unless its name's liveness id shows the instance lives (a restore or restart).
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Admin } from '@platformatic/kafka';
import type { Queryable } from '../store/db.ts';
import { instanceGoneSql } from '../store/instance-liveness.ts';
import { baseClientOptions, resolveKafkaOptions } from '../log/kafka/options.ts';

export const CACHE_GROUP_PREFIX = 'bss-cache-';

export const instanceGroup = (instanceId: string = randomUUID()): string =>
  `${CACHE_GROUP_PREFIX}${hostname()}-${process.pid}-${instanceId}`;

const UUID_AT_END = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const groupInstance = (group: string): string | undefined => UUID_AT_END.exec(group)?.[0];

export type LiveGroups = (groups: readonly string[]) => Promise<ReadonlySet<string>>;

export interface GroupJanitor {
  remove(group: string): Promise<void>;
  sweep(prefix: string, live?: LiveGroups): Promise<string[]>;
  close(): Promise<void>;
}

export function databaseGroupJanitor(db: Queryable): GroupJanitor {
  const forget = async (groups: readonly string[]) => {
    for (const table of ['event_log_leases', 'event_log_members', 'event_log_offsets'])
      await db.query(`DELETE FROM ${table} WHERE group_id = ANY($1::text[])`, [groups]);
  };
  return {
    remove: (group) => forget([group]),
    async sweep(prefix, live) {
      const { rows } = await db.query<{ group_id: string }>(
        `SELECT DISTINCT o.group_id FROM event_log_offsets o
          WHERE starts_with(o.group_id, $1) AND NOT EXISTS (
            SELECT 1 FROM event_log_members m WHERE m.group_id = o.group_id AND m.expires_at > now())`,
        [prefix],
      );
      const groups = await withoutLive(
        rows.map((r) => r.group_id),
        live,
      );
      if (groups.length > 0) await forget(groups);
      return groups;
    },
    close: async () => {},
  };
}

export function kafkaGroupJanitor(brokers: readonly string[]): GroupJanitor {
  const admin = new Admin(baseClientOptions(resolveKafkaOptions({ brokers, clientId: 'bss' }), 'group-janitor'));
  return {
    remove: (group) => admin.deleteGroups({ groups: [group] }),
    async sweep(prefix, live) {
      const empty = await admin.listGroups({ states: ['EMPTY'] });
      const groups = await withoutLive(
        [...empty.keys()].filter((id) => id.startsWith(prefix)),
        live,
      );
      if (groups.length > 0) await admin.deleteGroups({ groups });
      return groups;
    },
    close: () => admin.close(),
  };
}

async function withoutLive(groups: string[], live: LiveGroups | undefined): Promise<string[]> {
  if (!live || groups.length === 0) return groups;
  const kept = await live(groups);
  return groups.filter((g) => !kept.has(g));
}

export function liveGroupsIn(db: Queryable): LiveGroups {
  return async (groups) => {
    const owned = groups.flatMap((group) => {
      const id = groupInstance(group);
      return id ? [{ group, id }] : [];
    });
    if (owned.length === 0) return new Set();
    const { rows } = await db.query<{ id: string }>(
      `SELECT id FROM unnest($1::text[]) AS id WHERE NOT ${instanceGoneSql('id')}`,
      [owned.map((o) => o.id)],
    );
    const alive = new Set(rows.map((r) => r.id));
    return new Set(owned.filter((o) => alive.has(o.id)).map((o) => o.group));
  };
}
