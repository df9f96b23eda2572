// The database EventLog on in-memory PGlite: the contract, plus what only this adapter promises.
import { createPgliteDb } from '../../src/store/pglite-db.ts';
import { migrate } from '../../src/store/migrate.ts';
import type { Db } from '../../src/store/db.ts';
import { createDatabaseEventLog, type DatabaseEventLogOptions } from '../../src/log/database/database-event-log.ts';
import { eventLogContract } from './event-log-contract.ts';

// Short timings so rebalances in the tests take a fraction of a second.
const FAST: DatabaseEventLogOptions = { heartbeatMs: 100, sessionTimeoutMs: 1000, pollMs: 100 };

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
