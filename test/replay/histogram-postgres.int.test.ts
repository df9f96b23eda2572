// The filtered histogram's contract (histogram-contract.ts) on the database log on PostgreSQL.
import { after, before, describe } from 'node:test';
import { createDatabaseEventLog } from '../../src/log/database/database-event-log.ts';
import type { EventLog } from '../../src/log/event-log.ts';
import { createPostgresDb } from '../../src/store/postgres-db.ts';
import { migrate } from '../../src/store/migrate.ts';
import type { Db } from '../../src/store/db.ts';
import { requireEnv, uniqueName } from '../support/env.ts';
import { histogramContract } from './histogram-contract.ts';

describe('filtered histogram on PostgreSQL', () => {
  const schema = uniqueName('histogram');
  let db: Db;
  let log: EventLog;
  before(async () => {
    db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL'), schema });
    await migrate(db);
    log = createDatabaseEventLog(db);
  });
  after(async () => {
    await log.close();
    await db.query(`DROP SCHEMA ${schema} CASCADE`);
    await db.close();
  });
  histogramContract(() => ({
    log,
    async newTopic() {
      await log.ensureTopic('histogram', { partitions: 3 });
      return 'histogram';
    },
  }));
});
