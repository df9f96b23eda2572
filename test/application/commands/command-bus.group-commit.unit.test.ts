// Group commit on embedded PGlite (the contract also runs on PostgreSQL: command-bus.group-commit.int.test.ts).
import { createPgliteDb } from '../../../src/store/pglite-db.ts';
import { groupCommitContract } from './group-commit-contract.ts';

groupCommitContract('PGlite', async () => {
  const db = await createPgliteDb(undefined);
  return { db, close: () => db.close() };
});
