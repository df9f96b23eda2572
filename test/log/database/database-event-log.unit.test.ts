// The database EventLog on in-memory PGlite: the EventLog contract and the database log's own.
import { createPgliteDb } from '../../../src/store/pglite-db.ts';
import { migrate } from '../../../src/store/migrate.ts';
import type { Db } from '../../../src/store/db.ts';
import { createDatabaseEventLog } from '../../../src/log/database/database-event-log.ts';
import { eventLogContract } from '../event-log-contract.ts';
import { databaseLogContract, FAST } from '../database-log-contract.ts';

async function memoryDb(): Promise<Db> {
  const db = await createPgliteDb(undefined);
  await migrate(db);
  return db;
}

eventLogContract('database log on PGlite', async () => {
  // Every client shares the one in-memory database, as the instances of an embedded deployment would.
  const db = await memoryDb();
  return { open: async () => createDatabaseEventLog(db, FAST), cleanup: () => db.close() };
});

databaseLogContract('PGlite', async () => {
  const db = await memoryDb();
  return { db, cleanup: () => db.close() };
});
