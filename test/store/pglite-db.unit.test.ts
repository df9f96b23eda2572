// The PGlite adapter keeps the Db port's transaction contract (transaction-commit-contract.ts): it commits
// when the transaction's function returns, and Transaction.commit refuses what comes after it.
import { test } from 'node:test';
import { createPgliteDb } from '../../src/store/pglite-db.ts';
import { commitContracts } from './transaction-commit-contract.ts';

test('PGlite: Transaction.commit and the expected-version check keep the contract', async () => {
  const db = await createPgliteDb(undefined);
  try {
    await commitContracts(db);
  } finally {
    await db.close();
  }
});
