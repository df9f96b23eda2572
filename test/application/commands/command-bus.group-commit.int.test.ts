// Group commit on a PostgreSQL server, in a schema of its own per test.
import { createPostgresDb } from '../../../src/store/postgres-db.ts';
import { requireEnv, uniqueName } from '../../support/env.ts';
import { groupCommitContract } from './group-commit-contract.ts';

groupCommitContract('PostgreSQL', async () => {
  const schema = uniqueName('group_commit');
  const db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL'), schema });
  return {
    db,
    async close() {
      await db.query(`DROP SCHEMA "${schema}" CASCADE`);
      await db.close();
    },
  };
});
