// The database EventLog on a real PostgreSQL server, each run in a fresh schema dropped afterwards.
import { createPostgresDb } from '../../src/store/postgres-db.ts';
import { migrate } from '../../src/store/migrate.ts';
import type { Db } from '../../src/store/db.ts';
import { createDatabaseEventLog } from '../../src/log/database/database-event-log.ts';
import { eventLogContract } from './event-log-contract.ts';
import { requireEnv, uniqueName } from '../support/env.ts';

eventLogContract('database log on PostgreSQL', async () => {
  const url = requireEnv('BSS_DATABASE_URL');
  const schema = uniqueName('event_log');
  const admin = await createPostgresDb({ url, schema });
  await migrate(admin);
  const pools: Db[] = [];
  return {
    // Each client gets its own pool, as separate service instances would.
    async open() {
      const db = await createPostgresDb({ url, schema, maxConnections: 5 });
      pools.push(db);
      return createDatabaseEventLog(db, { heartbeatMs: 100, sessionTimeoutMs: 1000, pollMs: 100 });
    },
    async cleanup() {
      await Promise.all(pools.map((db) => db.close()));
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
      await admin.close();
    },
  };
});
