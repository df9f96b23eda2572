// NOTIFY from the read-model triggers against a real PostgreSQL: a direct SQL update invalidates two
// instances sharing Redis; one notification per statement, even for 5,000 rows; the listener comes
// back after its connection is killed and flushes L1. The invalidation lag p99 is printed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { LayeredCache } from '../../src/cache/layered-cache.ts';
import { entityEntry, listEntry } from '../../src/cache/keys.ts';
import { CACHE_NOTIFY_CHANNEL, startNotifyListener, type NotifyPayload } from '../../src/cache/notify-listener.ts';
import { createPostgresDb } from '../../src/store/postgres-db.ts';
import { migrate } from '../../src/store/migrate.ts';
import type { Db } from '../../src/store/db.ts';
import { requireEnv, uniqueName } from '../support/env.ts';
import { waitFor } from '../support/wait.ts';
import { closeAll, lagRecorder, make, percentile, redisUrl, uniquePrefix } from './support.ts';

const url = requireEnv('BSS_DATABASE_URL');
const schema = uniqueName('cache_notify');
const dbs: Db[] = [];

after(async () => {
  await closeAll();
  const admin = await createPostgresDb({ url, schema });
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.close();
  await Promise.all(dbs.map((db) => db.close()));
});

async function database() {
  const db = await createPostgresDb({ url, schema, maxConnections: 4 });
  dbs.push(db);
  return db;
}

const insertCustomers = (db: Db, from: number, count: number) =>
  db.query(
    `INSERT INTO customers (id, customer_id, status, email, state, version, created_at, updated_at)
     SELECT 'c' || g, 'c' || g, 'ACTIVE', 'c' || g || '@x', jsonb_build_object('email', 'c' || g || '@x'), 1, now(), now()
     FROM generate_series($1::int, $2::int) g`,
    [from, from + count - 1],
  );

async function instance(db: Db, prefix: string, metrics = lagRecorder()) {
  const cache = make({ prefix, redisUrl: redisUrl(), metrics });
  const listener = await startNotifyListener({ db, cache, schema });
  await waitFor('redis ready', () => cache.stats().redis === 'ready', 10_000);
  return { cache, listener, metrics };
}

const emailOf = (db: Db, id: string) => async () =>
  (await db.query<{ email: string }>('SELECT email FROM customers WHERE id = $1', [id])).rows[0]?.email;

test('setup: read-model tables in a fresh schema', async () => {
  const db = await database();
  const applied = await migrate(db);
  assert.ok(applied.includes('021_cache_notify'));
});

test('a direct SQL UPDATE invalidates both instances (L1 and L2) through NOTIFY', async () => {
  const [dbA, dbB, sql] = [await database(), await database(), await database()];
  await insertCustomers(sql, 1, 3);
  const prefix = uniquePrefix();
  const a = await instance(dbA, prefix);
  const b = await instance(dbB, prefix);
  const { key, tags } = entityEntry('customer', 'c1');
  const list = listEntry('customer', 'status=ACTIVE');
  const listLoader = async () => (await sql.query('SELECT id FROM customers WHERE status = $1', ['ACTIVE'])).rowCount;
  assert.equal(await a.cache.get(key, emailOf(dbA, 'c1'), { ttlMs: 60_000, tags }), 'c1@x');
  assert.equal(await b.cache.get(key, emailOf(dbB, 'c1'), { ttlMs: 60_000, tags }), 'c1@x');
  assert.equal(await b.cache.get(list.key, listLoader, { ttlMs: 60_000, tags: list.tags }), 3);
  await sql.query(`UPDATE customers SET email = 'fixed@x', status = 'SUSPENDED' WHERE id = 'c1'`);
  await waitFor('both notified', () => a.listener.received >= 1 && b.listener.received >= 1, 10_000);
  assert.equal(await a.cache.get(key, emailOf(dbA, 'c1'), { ttlMs: 60_000, tags }), 'fixed@x');
  assert.equal(await b.cache.get(key, emailOf(dbB, 'c1'), { ttlMs: 60_000, tags }), 'fixed@x');
  assert.equal(await b.cache.get(list.key, listLoader, { ttlMs: 60_000, tags: list.tags }), 2, 'family lists');
  await Promise.all([a.listener.stop(), b.listener.stop()]);
  await Promise.all([a.cache.close(), b.cache.close()]);
});

test('one notification per statement: 5,000 rows inserted, then updated, are two notifications', async () => {
  const [db, sql] = [await database(), await database()];
  const payloads: NotifyPayload[] = [];
  const unlisten = await db.listen(CACHE_NOTIFY_CHANNEL, (raw) => {
    const payload = JSON.parse(raw) as NotifyPayload;
    if (payload.s === schema) payloads.push(payload);
  });
  const prefix = uniquePrefix();
  const a = await instance(db, prefix);
  const { key, tags } = entityEntry('customer', 'c100050');
  await insertCustomers(sql, 100_001, 5000);
  await waitFor('insert notified', () => payloads.length >= 1, 10_000);
  assert.equal(await a.cache.get(key, emailOf(db, 'c100050'), { ttlMs: 60_000, tags }), 'c100050@x');
  const started = Date.now();
  const { rowCount } = await sql.query(`UPDATE customers SET email = 'bulk@x' WHERE id LIKE 'c1_____'`);
  assert.equal(rowCount, 5000);
  await waitFor('update notified', () => payloads.length >= 2, 10_000);
  const notifiedMs = Date.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 300)); // anything extra would arrive by now
  assert.equal(payloads.length, 2, 'exactly one per statement');
  assert.equal(payloads[1]?.all, true, 'too many ids: table-wide');
  assert.ok(Buffer.byteLength(JSON.stringify(payloads[1])) < 8000);
  await waitFor('applied', () => a.listener.received >= 2, 10_000);
  assert.equal(await a.cache.get(key, emailOf(db, 'c100050'), { ttlMs: 60_000, tags }), 'bulk@x', 'table-wide drop');
  console.log(
    `5,000-row UPDATE → ${payloads.length - 1} notification, received ${notifiedMs} ms after the statement began`,
  );
  // A statement of a few rows (the unit of work's multi-row INSERT … SELECT) names them.
  await insertCustomers(sql, 200_001, 3);
  await waitFor('small insert notified', () => payloads.length >= 3, 10_000);
  assert.deepEqual([...(payloads[2]?.ids ?? [])].sort(), ['c200001', 'c200002', 'c200003']);
  // The service's own transactions may opt out (its write path already invalidates).
  await sql.transaction(async (tx) => {
    await tx.query("SET LOCAL bss.cache_notify = 'off'");
    await tx.query(`UPDATE customers SET version = version + 1 WHERE id = 'c200001'`);
  });
  await sql.query(`UPDATE customers SET version = version + 1 WHERE id = 'c200002'`);
  await waitFor('next notified', () => payloads.length >= 4, 10_000);
  assert.deepEqual(payloads[3]?.ids, ['c200002'], 'the silenced statement sent nothing');
  await unlisten();
  await a.listener.stop();
  await a.cache.close();
});

test('the listener reconnects after its connection is killed, and flushes L1 (notifications were missed)', async () => {
  const [db, sql] = [await database(), await database()];
  await insertCustomers(sql, 300_001, 2);
  const a = await instance(db, uniquePrefix());
  const { key, tags } = entityEntry('customer', 'c300001');
  await a.cache.get(key, emailOf(db, 'c300001'), { ttlMs: 60_000, tags });
  try {
    const flushes = a.cache.stats().invalidations.flush;
    const { rowCount } = await sql.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1 AND pid <> pg_backend_pid()`,
      [`LISTEN "${CACHE_NOTIFY_CHANNEL}"`],
    );
    assert.ok(rowCount >= 1);
    // Missed while reconnecting: neither L1 nor L2 may serve the old value afterwards.
    await sql.query(`UPDATE customers SET email = 'missed@x' WHERE id = 'c300001'`);
    await waitFor('reconnected', () => a.listener.reconnects >= 1, 15_000);
    assert.equal(a.cache.stats().invalidations.flush, flushes + 1);
    assert.equal(await a.cache.get(key, emailOf(db, 'c300001'), { ttlMs: 60_000, tags }), 'missed@x');
    const before = a.listener.received;
    await sql.query(`UPDATE customers SET email = 'after@x' WHERE id = 'c300001'`);
    await waitFor('notified again', () => a.listener.received > before, 10_000);
    assert.equal(await a.cache.get(key, emailOf(db, 'c300001'), { ttlMs: 60_000, tags }), 'after@x');
  } finally {
    await a.listener.stop();
    await a.cache.close();
  }
});

test('invalidation lag through NOTIFY (commit → applied on the instance): p99 printed', async () => {
  const [db, sql] = [await database(), await database()];
  await insertCustomers(sql, 400_001, 1);
  const a: { cache: LayeredCache; listener: { received: number; stop(): Promise<void> }; metrics: { lags: number[] } } =
    await instance(db, uniquePrefix());
  const rounds = 300;
  for (let i = 0; i < rounds; i++) {
    const before = a.listener.received;
    await sql.query(`UPDATE customers SET version = version + 1 WHERE id = 'c400001'`);
    await waitFor('notified', () => a.listener.received > before, 10_000);
  }
  await waitFor('all applied', () => a.metrics.lags.length >= rounds, 10_000);
  const lags = a.metrics.lags.map((s) => s * 1000);
  console.log(
    `NOTIFY invalidation lag over ${rounds} updates: p50 ${percentile(lags, 50).toFixed(1)} ms, p99 ${percentile(lags, 99).toFixed(1)} ms`,
  );
  assert.ok(percentile(lags, 99) < 5000, 'sanity bound');
  await a.listener.stop();
  await a.cache.close();
});
