// The database event log in a PostgreSQL schema of its own, for one describe(): created and migrated
// before its tests, dropped after them. Read `db` and `log` inside tests (they exist from before()).
import { after, before } from 'node:test';
import { createDatabaseEventLog } from '../../src/log/database/database-event-log.ts';
import type { EventLog } from '../../src/log/event-log.ts';
import { createPostgresDb } from '../../src/store/postgres-db.ts';
import { migrate } from '../../src/store/migrate.ts';
import type { Db } from '../../src/store/db.ts';
import { requireEnv, uniqueName } from './env.ts';

export function postgresLogSchema(prefix: string): { readonly db: Db; readonly log: EventLog } {
  const schema = uniqueName(prefix);
  let db: Db | undefined;
  let log: EventLog | undefined;
  before(async () => {
    db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL'), schema });
    await migrate(db);
    log = createDatabaseEventLog(db);
  });
  after(async () => {
    await log?.close();
    await db?.query(`DROP SCHEMA ${schema} CASCADE`);
    await db?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('postgresLogSchema: used before its before() hook ran');
    return value;
  };
  return {
    get db() {
      return started(db);
    },
    get log() {
      return started(log);
    },
  };
}
