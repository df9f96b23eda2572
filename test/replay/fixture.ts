// The replay tests' world on the embedded database log: in-memory PGlite, migrated, one log client.
import { createPgliteDb } from '../../src/store/pglite-db.ts';
import { migrate } from '../../src/store/migrate.ts';
import type { Db } from '../../src/store/db.ts';
import { createDatabaseEventLog } from '../../src/log/database/database-event-log.ts';
import type { EventLog } from '../../src/log/event-log.ts';
import type { DomainEvent } from '../../src/domain/index.ts';
import { uniqueName } from '../support/env.ts';
import { appendWorkload } from './workload.ts';

export interface ReplayWorld {
  readonly db: Db;
  readonly log: EventLog;
  newTopic(partitions?: number): Promise<string>;
  /** Rows of every table in the schema plus the log's record count: "nothing was written". */
  footprint(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function memoryWorld(): Promise<ReplayWorld> {
  const db = await createPgliteDb(undefined);
  await migrate(db);
  const log = createDatabaseEventLog(db, { heartbeatMs: 100, sessionTimeoutMs: 1000, pollMs: 50 });
  return {
    db,
    log,
    async newTopic(partitions = 3) {
      const topic = uniqueName('replay').replaceAll('_', '-');
      await log.ensureTopic(topic, { partitions });
      return topic;
    },
    async footprint() {
      const { rows } = await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
      );
      const counts: Record<string, number> = {};
      for (const { table_name } of rows) {
        const { rows: n } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table_name}"`);
        counts[table_name] = n[0]?.n ?? 0;
      }
      return counts;
    },
    async close() {
      await log.close();
      await db.close();
    },
  };
}

/** A world whose new topic already holds `events`: what most replay suites start from. */
export async function seededWorld(
  events: readonly DomainEvent[],
  partitions = 3,
): Promise<{ world: ReplayWorld; topic: string }> {
  const world = await memoryWorld();
  const topic = await world.newTopic(partitions);
  await appendWorkload(world.log, topic, events);
  return { world, topic };
}
