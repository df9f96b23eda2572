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

test('documents carry no statistics, so ANALYZE does not sort them; the columns queries filter on keep theirs', async () => {
  const db = await createPgliteDb(undefined);
  await migrate(db);
  const { rows } = await db.query<{ col: string; target: number }>(
    `SELECT c.relname || '.' || a.attname AS col, coalesce(a.attstattarget, -1) AS target
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND a.attnum > 0
        AND (a.attname IN ('state', 'body', 'headers', 'effects', 'value') OR a.attname = 'customer_id')`,
  );
  const targets = new Map(rows.map((r) => [r.col, r.target]));
  for (const col of [
    'usage_records.state',
    'balances.state',
    'idempotency_keys.body',
    'event_log.value',
    'outbox.headers',
  ])
    assert.equal(targets.get(col), 0, col);
  assert.notEqual(targets.get('usage_records.customer_id'), 0);
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
