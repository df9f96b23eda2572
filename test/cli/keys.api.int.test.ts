// The key administration routes on the composed app (PGlite, inject): create returns the key once,
// list shows when keys were made and last used, revoke stops them; each change is an audit event
// on the audit topic that names who did it and holds neither the key nor its hash.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { composedApp, type ComposedApp } from '../support/composed-app.ts';
import { AUDIT_TOPIC } from '../../src/events/catalog.ts';
import { hashKey } from '../../src/application/auth/api-keys.ts';

let api: ComposedApp;
before(async () => {
  api = await composedApp();
});
after(async () => {
  await api.close();
});

const create = (body: unknown, role: 'admin' | 'operator' = 'admin', headers: Record<string, string> = {}) =>
  api.app.inject({
    method: 'POST',
    url: '/api/v1/keys',
    headers: { ...api.as(role), ...headers },
    payload: body as object,
  });

test('an admin creates a key: returned once, usable at once, listed without the secret', async () => {
  const created = await create({ role: 'viewer', name: 'grafana' }, 'admin', { 'idempotency-key': 'k-1' });
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(created.headers['cache-control'], 'no-store');
  const key = created.json();
  assert.equal(key.role, 'viewer');
  assert.equal(key.name, 'grafana');
  assert.match(key.key, /^bss_[0-9a-f]{12}_/);
  const { rows } = await api.services.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM idempotency_keys WHERE key = 'k-1' OR strpos(coalesce(body, ''), $1) > 0",
    [key.key],
  );
  assert.equal(rows[0]?.n, 0, 'the idempotency store never keeps a new key');

  const read = await api.app.inject({ url: '/api/v1/customers', headers: { 'x-api-key': key.key } });
  assert.equal(read.statusCode, 200, 'the new key works at once');
  await new Promise((resolve) => setTimeout(resolve, 100)); // last use is written in the background

  const list = await api.app.inject({ url: '/api/v1/keys', headers: api.as('admin') });
  assert.equal(list.statusCode, 200, list.body);
  const mine = list.json().items.find((k: { keyId: string }) => k.keyId === key.keyId);
  assert.deepEqual(Object.keys(mine).sort(), ['createdAt', 'keyId', 'lastUsedAt', 'name', 'revokedAt', 'role']);
  assert.ok(Date.parse(mine.lastUsedAt) >= Date.parse(mine.createdAt), 'last use recorded');
  assert.equal(mine.revokedAt, null);
  assert.doesNotMatch(list.body, new RegExp(key.key));
});

test('revoke: the key is refused (after the cache TTL), listed as revoked with --all, a second revoke is 404', async () => {
  const key = (await create({ role: 'operator' })).json();
  assert.equal(key.name, 'operator key', 'default name');
  const revoke = (id: string) =>
    api.app.inject({ method: 'POST', url: `/api/v1/keys/${id}/revoke`, headers: api.as('admin') });
  const revoked = await revoke(key.keyId);
  assert.equal(revoked.statusCode, 200, revoked.body);
  assert.ok(Date.parse(revoked.json().revokedAt) > 0);
  const again = await revoke(key.keyId);
  assert.equal(again.statusCode, 404);
  assert.equal(again.json().code, 'NOT_FOUND');
  const active = await api.app.inject({ url: '/api/v1/keys', headers: api.as('admin') });
  assert.ok(!active.json().items.some((k: { keyId: string }) => k.keyId === key.keyId), 'active keys only by default');
  const all = await api.app.inject({ url: '/api/v1/keys?includeRevoked=true', headers: api.as('admin') });
  assert.ok(all.json().items.some((k: { keyId: string; revokedAt: string }) => k.keyId === key.keyId && k.revokedAt));
  const fresh = await api.app.inject({ url: '/api/v1/customers', headers: { 'x-api-key': key.key } });
  assert.equal(fresh.statusCode, 401, 'never verified before, so not cached: refused at once');
});

test('only admins manage keys; bad input is a 400 naming the field', async () => {
  assert.equal((await create({ role: 'viewer' }, 'operator')).statusCode, 403);
  const list = await api.app.inject({ url: '/api/v1/keys', headers: api.as('viewer') });
  assert.equal(list.statusCode, 403);
  const bad = await create({ role: 'root' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /role/);
  const extra = await create({ role: 'viewer', secret: 'x' });
  assert.equal(extra.statusCode, 400);
  const anonymous = await api.app.inject({ url: '/api/v1/keys' });
  assert.equal(anonymous.statusCode, 401);
});

test('creation and revocation are audit events naming who did it, without the key or its hash', async () => {
  const key = (await create({ role: 'viewer', name: 'audited' })).json();
  await api.app.inject({ method: 'POST', url: `/api/v1/keys/${key.keyId}/revoke`, headers: api.as('admin') });
  const records = await api.services.log.read(AUDIT_TOPIC, 0, 0, { max: 1000 });
  const mine = records.map((r) => JSON.parse(r.value)).filter((e) => e.subject === key.keyId);
  assert.deepEqual(
    mine.map((e) => e.type),
    ['com.droid.bss.apikey.created.v1', 'com.droid.bss.apikey.revoked.v1'],
  );
  for (const event of mine) {
    assert.equal(event.specversion, '1.0');
    assert.deepEqual(event.data, {
      keyId: key.keyId,
      name: 'audited',
      role: 'viewer',
      actor: `key:${api.keys.admin.keyId}`,
      at: event.time,
    });
  }
  const raw = records.map((r) => r.value).join('\n');
  assert.ok(!raw.includes(key.key) && !raw.includes(hashKey(key.key)), 'no secret in the log');
});
