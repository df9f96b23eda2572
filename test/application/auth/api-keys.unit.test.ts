import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPgliteDb } from '../../../src/store/pglite-db.ts';
import { migrate } from '../../../src/store/migrate.ts';
import { createApiKey, ensureAdminKey, hashKey, verifyApiKey } from '../../../src/application/auth/api-keys.ts';

async function freshDb() {
  const db = await createPgliteDb(undefined);
  await migrate(db);
  return db;
}

test('a created key verifies with its role, and only its hash is stored', async () => {
  const db = await freshDb();
  const key = await createApiKey(db, 'operator', 'billing robot');
  assert.equal(await verifyApiKey(db, key.plaintext), 'operator');
  assert.equal(await verifyApiKey(db, `${key.plaintext}x`), undefined);
  const { rows } = await db.query<{ hash: string }>('SELECT hash FROM api_keys');
  assert.deepEqual(rows, [{ hash: hashKey(key.plaintext) }]);
  assert.ok(!JSON.stringify(rows).includes(key.plaintext));
  await db.close();
});

test('first start without BSS_ADMIN_API_KEY generates one admin key, later starts none', async () => {
  const db = await freshDb();
  const generated = await ensureAdminKey(db, undefined);
  assert.ok(generated);
  assert.equal(await verifyApiKey(db, generated.plaintext), 'admin');
  assert.equal(await ensureAdminKey(db, undefined), undefined);
  await db.close();
});

test('a configured BSS_ADMIN_API_KEY becomes the bootstrap admin key and can be rotated', async () => {
  const db = await freshDb();
  await ensureAdminKey(db, 'first-admin-key-0123456789abcdef');
  assert.equal(await verifyApiKey(db, 'first-admin-key-0123456789abcdef'), 'admin');
  await ensureAdminKey(db, 'second-admin-key-0123456789abcdef');
  assert.equal(await verifyApiKey(db, 'second-admin-key-0123456789abcdef'), 'admin');
  assert.equal(await verifyApiKey(db, 'first-admin-key-0123456789abcdef'), undefined);
  await db.close();
});
