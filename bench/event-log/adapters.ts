// The three EventLog adapters as deployed (scripts/services.sh for the servers), each opened on
// names of its own and removed afterwards: PGlite in a temporary directory, PostgreSQL in a new
// schema, Kafka with its own topics and groups.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Admin } from '@platformatic/kafka';
import { createDatabaseEventLog } from '../../src/log/database/database-event-log.ts';
import type { EventLog } from '../../src/log/event-log.ts';
import { createKafkaEventLog } from '../../src/log/kafka/kafka-event-log.ts';
import { migrate } from '../../src/store/migrate.ts';
import { createPgliteDb } from '../../src/store/pglite-db.ts';
import { createPostgresDb } from '../../src/store/postgres-db.ts';
import type { CpuTarget } from '../lib/cpu.ts';
import { kafkaVersion, requireEnv, servicePid, uniqueName } from '../lib/machine.ts';

export type AdapterName = 'pglite' | 'postgres' | 'kafka';

export interface OpenedLog {
  readonly log: EventLog;
  /** The server process, for CPU accounting; none for embedded PGlite. */
  readonly server?: CpuTarget;
  readonly version: string;
  /** Where the log lives, for the report. */
  readonly where: string;
  /** Topics and groups the run made, removed by cleanup. */
  track(kind: 'topic' | 'group', name: string): void;
  cleanup(): Promise<void>;
}

export function openAdapter(name: AdapterName): Promise<OpenedLog> {
  switch (name) {
    case 'pglite':
      return openPglite();
    case 'postgres':
      return openPostgres();
    case 'kafka':
      return openKafka();
  }
}

async function openPglite(): Promise<OpenedLog> {
  const dir = await mkdtemp(`${tmpdir()}/bss-bench-pglite-`);
  const db = await createPgliteDb(dir);
  await migrate(db);
  const log = createDatabaseEventLog(db);
  const { rows } = await db.query<{ version: string }>("SELECT current_setting('server_version') AS version");
  return {
    log,
    version: `PGlite (PostgreSQL ${rows[0]?.version ?? '?'})`,
    where: dir,
    track: () => {},
    async cleanup() {
      await log.close();
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgres(): Promise<OpenedLog> {
  const url = requireEnv('BSS_DATABASE_URL');
  const schema = uniqueName('bench_event_log').replaceAll('-', '_');
  const db = await createPostgresDb({ url, schema, maxConnections: 20 });
  await migrate(db);
  const log = createDatabaseEventLog(db);
  const { rows } = await db.query<{ version: string }>("SELECT current_setting('server_version') AS version");
  const pid = servicePid('postgres');
  return {
    log,
    ...(pid ? { server: { pid, withChildren: true } } : {}),
    version: `PostgreSQL ${rows[0]?.version ?? '?'}`,
    where: `schema ${schema}`,
    track: () => {},
    async cleanup() {
      await log.close();
      await db.query(`DROP SCHEMA "${schema}" CASCADE`);
      await db.close();
    },
  };
}

async function openKafka(): Promise<OpenedLog> {
  const brokers = requireEnv('BSS_KAFKA_BROKERS').split(',');
  const log = createKafkaEventLog({ brokers, clientId: uniqueName('bss-bench') });
  const topics = new Set<string>();
  const groups = new Set<string>();
  const pid = servicePid('kafka');
  return {
    log,
    ...(pid ? { server: { pid } } : {}),
    version: `Apache Kafka ${kafkaVersion()}`,
    where: brokers.join(','),
    track: (kind, name) => (kind === 'topic' ? topics : groups).add(name),
    async cleanup() {
      await log.close();
      const admin = new Admin({ clientId: 'bss-bench-cleanup', bootstrapBrokers: brokers });
      try {
        if (groups.size > 0) await admin.deleteGroups({ groups: [...groups] }).catch(() => undefined);
        if (topics.size > 0) await admin.deleteTopics({ topics: [...topics] });
      } finally {
        await admin.close();
      }
    },
  };
}
