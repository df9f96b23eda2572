// Prepared statements on a real PostgreSQL: a statement run often is parsed once per connection (it is in
// pg_prepared_statements), inside transactions and out, and a failing run does not spoil its name; and the
// asynchronous-commit connections of Db.asyncCommit; Transaction.commit's contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPostgresDb } from '../../src/store/postgres-db.ts';
import { requireEnv, uniqueName } from '../support/env.ts';
import { commitContracts } from './transaction-commit-contract.ts';

test('PostgreSQL: a repeated statement runs prepared; errors in and out of transactions leave it usable', async () => {
  const schema = uniqueName('prepared');
  const db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL'), schema, maxConnections: 1 });
  try {
    await db.exec('CREATE TABLE t (id int PRIMARY KEY)');
    const insert = 'INSERT INTO t (id) SELECT unnest($1::int[]) RETURNING id';
    for (let i = 0; i < 6; i++) assert.equal((await db.query(insert, [[i]])).rowCount, 1);
    const prepared = async () =>
      (await db.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')).rows.map(
        (r) => r.statement,
      );
    assert.ok((await prepared()).includes(insert), 'the insert is prepared on the connection');
    // A duplicate key fails the run, not the statement: the next run on the same connection succeeds.
    await assert.rejects(db.query(insert, [[1]]));
    assert.equal((await db.query(insert, [[100]])).rowCount, 1);
    // In a transaction, pipelined with other runs of it, and after a rolled-back one.
    await assert.rejects(
      db.transaction(async (tx) => {
        await Promise.all([tx.query(insert, [[200]]), tx.query(insert, [[201]])]);
        await tx.query(insert, [[200]]);
      }),
    );
    await db.transaction(async (tx) => {
      const [a, b] = await Promise.all([tx.query(insert, [[300]]), tx.query(insert, [[301]])]);
      assert.equal(a.rowCount + b.rowCount, 2);
    });
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t WHERE id >= $1', [200]);
    assert.equal(rows[0]?.n, 2, 'the rolled-back transaction left nothing; the committed one both rows');
  } finally {
    await db.query(`DROP SCHEMA "${schema}" CASCADE`);
    await db.close();
  }
});

test('PostgreSQL: asyncCommit runs on its own connections with asynchronous commit, in the same schema', async () => {
  const schema = uniqueName('async_commit');
  const db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL'), schema, maxConnections: 2 });
  try {
    await db.exec('CREATE TABLE t (id int PRIMARY KEY)');
    const setting = async (q: { query: typeof db.query }) =>
      (await q.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]?.synchronous_commit;
    assert.equal(await setting(db.asyncCommit), 'off');
    assert.equal(await setting(db), 'on', 'the main pool keeps synchronous commit');
    await db.asyncCommit.query('INSERT INTO t (id) VALUES ($1)', [7]);
    const { rows } = await db.query<{ id: number }>('SELECT id FROM t');
    assert.deepEqual(rows, [{ id: 7 }], 'committed and visible to the other connections at once');
    await assert.rejects(db.asyncCommit.query('INSERT INTO t (id) VALUES ($1)', [7]), 'its errors reach the caller');
  } finally {
    await db.query(`DROP SCHEMA "${schema}" CASCADE`);
    await db.close();
  }
});

test('PostgreSQL: COMMIT sent behind unanswered statements commits all or none; the version check is in SQL', async () => {
  const schema = uniqueName('commit_pipelined');
  const db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL'), schema, maxConnections: 2 });
  try {
    await commitContracts(db);
  } finally {
    await db.query(`DROP SCHEMA "${schema}" CASCADE`);
    await db.close();
  }
});
