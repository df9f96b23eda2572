import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPgliteDb } from '../../src/store/pglite-db.ts';
import { loadMigrations, migrate, splitStatements } from '../../src/store/migrate.ts';

test('splitStatements keeps dollar-quoted bodies whole and drops comment-only chunks', () => {
  const sql = `-- header
CREATE TABLE a (id int);
CREATE FUNCTION f() RETURNS trigger AS $$
BEGIN
  PERFORM 1; -- inside
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- trailing comment`;
  const statements = splitStatements(sql);
  assert.equal(statements.length, 2);
  assert.match(statements[1] ?? '', /^CREATE FUNCTION[\s\S]*LANGUAGE plpgsql;$/);
});

test('migrations apply once, in order, and a second run applies nothing', async () => {
  const db = await createPgliteDb(undefined);
  const all = (await loadMigrations()).map((m) => m.version);
  assert.ok(all.length > 0);
  assert.deepEqual(await migrate(db), all);
  assert.deepEqual(await migrate(db), []);
  const { rows } = await db.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
  assert.deepEqual(
    rows.map((r) => r.version),
    all,
  );
  await db.close();
});

test('a failing statement rolls its whole transaction back', async () => {
  const db = await createPgliteDb(undefined);
  await db.query('CREATE TABLE t (id int PRIMARY KEY)');
  await assert.rejects(
    db.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (1)');
      await tx.query('INSERT INTO t VALUES (1)');
    }),
  );
  assert.equal((await db.query('SELECT * FROM t')).rows.length, 0);
  await db.close();
});
