import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPgliteDb } from '../../../src/store/pglite-db.ts';
import { migrate } from '../../../src/store/migrate.ts';
import type { Queryable } from '../../../src/store/db.ts';
import { createApiKey, revokeApiKey } from '../../../src/application/auth/api-keys.ts';
import {
  API_KEY_CACHE_TTL_MS,
  LAST_USED_RESOLUTION_MS,
  createCachedApiKeys,
} from '../../../src/application/auth/cached-api-keys.ts';
import { BssError } from '../../../src/errors.ts';

async function freshDb() {
  const db = await createPgliteDb(undefined);
  await migrate(db);
  return db;
}

/** Counts the statements that reach the database: lookups (SELECT) and last-used writes (UPDATE). */
function counting(db: Queryable): Queryable & { count: number; updates: number } {
  const wrapper = {
    count: 0,
    updates: 0,
    query: ((sql: string, params?: readonly unknown[]) => {
      if (sql.trimStart().startsWith('UPDATE')) wrapper.updates++;
      else wrapper.count++;
      return db.query(sql, params);
    }) as Queryable['query'],
  };
  return wrapper;
}

test('a verified key is served from the cache: one database lookup for many requests', async () => {
  const db = await freshDb();
  const key = await createApiKey(db, 'operator', 'robot');
  const counted = counting(db);
  const keys = createCachedApiKeys(counted);
  const results = await Promise.all(Array.from({ length: 20 }, () => keys.verify(key.plaintext)));
  for (const result of results) assert.deepEqual(result, { keyId: key.keyId, role: 'operator' });
  assert.equal(await keys.verify(key.plaintext).then((k) => k?.role), 'operator');
  assert.equal(counted.count, 1, 'concurrent and later requests share one lookup');
  assert.equal(counted.updates, 1, 'and one last-used write');
  await db.close();
});

test('last use is recorded at most once a minute per key', async () => {
  const db = await freshDb();
  const key = await createApiKey(db, 'viewer', 'watched');
  let now = 5_000_000;
  const counted = counting(db);
  const keys = createCachedApiKeys(counted, { now: () => now });
  const lastUsed = async () => {
    await new Promise((resolve) => setTimeout(resolve, 50)); // the write runs in the background
    const { rows } = await db.query<{ last_used_at: Date | null }>(
      'SELECT last_used_at FROM api_keys WHERE key_id = $1',
      [key.keyId],
    );
    return rows[0]?.last_used_at ?? null;
  };
  assert.equal(await lastUsed(), null, 'never used');
  await keys.verify(key.plaintext);
  assert.ok((await lastUsed()) instanceof Date);
  now += LAST_USED_RESOLUTION_MS - 1;
  await keys.verify(key.plaintext);
  assert.equal(counted.updates, 1, 'not again within the minute');
  now += 2;
  await keys.verify(key.plaintext);
  assert.equal(counted.updates, 2, 'once more after it');
  await db.close();
});

test('revocation takes effect once the cached answer is older than the TTL', async () => {
  const db = await freshDb();
  const key = await createApiKey(db, 'admin', 'to revoke');
  let now = 1_000_000;
  const keys = createCachedApiKeys(db, { now: () => now });
  assert.equal((await keys.verify(key.plaintext))?.role, 'admin');
  assert.equal(await revokeApiKey(db, key.keyId), true);
  assert.equal(await revokeApiKey(db, key.keyId), false, 'already revoked');
  now += API_KEY_CACHE_TTL_MS - 1;
  assert.equal((await keys.verify(key.plaintext))?.role, 'admin', 'still cached within the TTL');
  now += 2;
  assert.equal(await keys.verify(key.plaintext), undefined, 'refused after the TTL');
  await db.close();
});

test('unknown keys are refused, and a new key works at once', async () => {
  const db = await freshDb();
  const keys = createCachedApiKeys(db);
  assert.equal(await keys.verify('bss_nope_nope'), undefined);
  const key = await createApiKey(db, 'viewer', 'fresh');
  assert.equal((await keys.verify(key.plaintext))?.role, 'viewer');
  await db.close();
});

test('a database failure is a retryable 503, not a refused key', async () => {
  const broken: Queryable = { query: async () => Promise.reject(new Error('connection refused')) };
  const keys = createCachedApiKeys(broken);
  await assert.rejects(
    keys.verify('bss_any'),
    (error: unknown) => error instanceof BssError && error.status === 503 && error.retryable,
  );
});
