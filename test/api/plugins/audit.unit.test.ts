// The audit trail of admin actions on the composed app (PGlite, inject): each action (replay start and
// cancel, restore, rebuild, cache warm, debug session open/close, key creation/revocation, a refused
// attempt) is one CloudEvent on the audit topic and one entry of GET /api/v1/audit, filterable and paged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composedAppPerFile } from '../../support/composed-app.ts';
import { createCustomer, client } from '../../support/journeys.ts';

const bss = composedAppPerFile(
  {},
  {
    setUp: async () => {
      await createCustomer(client(bss), 'cus_audit');
    },
  },
);

const adminKeyId = () => bss.keys.admin.keyId;

async function send(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, role = 'admin' as const) {
  const response = await bss.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: bss.as(role),
    ...(payload ? { payload } : {}),
  });
  return response;
}

test('admin actions are recorded: who, what, target, parameters, when, outcome', async () => {
  const before = Date.now();
  const job = await send('POST', '/event-replay/replay', { speed: 'STEP_BY_STEP', customerId: 'cus_audit' });
  assert.equal(job.statusCode, 202, job.body);
  const jobId = String(job.headers.location).split('/').pop();
  assert.equal((await send('POST', `/event-replay/replay/${jobId}/cancel`)).statusCode, 200);
  const restore = await send('POST', '/event-replay/restore', {
    group: 'audit-test',
    to: { position: 'earliest' },
    dryRun: true,
  });
  assert.ok(restore.statusCode < 500, restore.body);
  assert.equal((await send('POST', '/event-replay/rebuild', { swap: false })).statusCode, 200);
  assert.equal((await send('POST', '/cache/warm')).statusCode, 200);
  const session = await send('POST', '/event-replay/debug-session', { filter: { customerId: 'cus_audit' } });
  assert.equal(session.statusCode, 201, session.body);
  const sessionId = String(session.headers.location).split('/').pop();
  assert.ok((await send('DELETE', `/event-replay/debug-session/${sessionId}`)).statusCode < 300);
  const key = await send('POST', '/keys', { role: 'viewer', name: 'audited' });
  assert.equal(key.statusCode, 201);
  assert.equal((await send('POST', `/keys/${key.json().keyId}/revoke`)).statusCode, 200);
  const refused = await bss.app.inject({ method: 'POST', url: '/api/v1/cache/warm', headers: bss.as('viewer') });
  assert.equal(refused.statusCode, 403);
  assert.equal((await bss.app.inject({ method: 'POST', url: '/api/v1/cache/warm' })).statusCode, 401);

  // Entries are written once the answer is sent: wait for the last one.
  let items: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 100 && items.length < 10; i++) {
    const page = await send('GET', '/audit?limit=200');
    assert.equal(page.statusCode, 200, page.body);
    items = page.json().items;
    if (items.length < 10) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // Entries are written as each answer goes out, in commit order: compare them as a set.
  const actions = items.map((i) => `${i['action']} ${i['outcome']}`).sort();
  assert.deepEqual(
    actions,
    [
      'replay.start SUCCEEDED',
      'replay.cancel SUCCEEDED',
      `offsets.restore ${restore.statusCode < 400 ? 'SUCCEEDED' : 'FAILED'}`,
      'read-models.rebuild SUCCEEDED',
      'cache.warm SUCCEEDED',
      'debug-session.open SUCCEEDED',
      'debug-session.close SUCCEEDED',
      'apikey.create SUCCEEDED',
      'apikey.revoke SUCCEEDED',
      'cache.warm REFUSED',
    ].sort(),
  );
  const find = (action: string, outcome = 'SUCCEEDED') =>
    items.find((i) => i['action'] === action && i['outcome'] === outcome) as Record<string, unknown>;
  const start = find('replay.start');
  assert.equal(start['actor'], `key:${adminKeyId()}`);
  assert.equal(start['role'], 'admin');
  assert.equal(start['target'], jobId);
  assert.deepEqual(start['parameters'], { speed: 'STEP_BY_STEP', customerId: 'cus_audit' });
  assert.equal(start['status'], 202);
  assert.ok(Date.parse(String(start['at'])) >= before - 1000);
  assert.equal(find('replay.cancel')['target'], jobId);
  assert.equal(find('debug-session.open')['target'], sessionId);
  assert.equal(find('apikey.create')['target'], key.json().keyId);
  assert.deepEqual(find('apikey.create')['parameters'], { name: 'audited', role: 'viewer' });
  const refusedEntry = find('cache.warm', 'REFUSED');
  assert.equal(refusedEntry['actor'], `key:${bss.keys.viewer.keyId}`);
  assert.equal(refusedEntry['role'], 'viewer');
  assert.equal(refusedEntry['status'], 403);

  // Every entry is an event on the audit topic with the same id.
  const { rows } = await bss.services.db.query<{ id: string }>(
    `SELECT value::jsonb->>'id' AS id FROM event_log WHERE topic LIKE '%bss.audit'`,
  );
  const logged = new Set(rows.map((r) => r.id));
  for (const item of items) assert.ok(logged.has(String(item['eventId'])), `${item['action']} is in the log`);
});

test('the query filters by action, actor and time, and pages with a cursor', async () => {
  const warm = (await send('GET', '/audit?action=cache.warm')).json().items as Array<Record<string, unknown>>;
  assert.deepEqual(warm.map((i) => i['outcome']).sort(), ['REFUSED', 'SUCCEEDED']);
  const viewer = (await send('GET', `/audit?actor=key:${bss.keys.viewer.keyId}`)).json().items;
  assert.equal(viewer.length, 1);
  const future = (await send('GET', `/audit?from=${new Date(Date.now() + 60_000).toISOString()}`)).json();
  assert.deepEqual(future.items, []);
  const past = (await send('GET', `/audit?to=2000-01-01T00:00:00Z`)).json();
  assert.deepEqual(past.items, []);

  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${cursor}` : '';
    const response = await send('GET', `/audit?limit=3${query}`);
    assert.equal(response.statusCode, 200);
    const body = response.json();
    seen.push(...body.items.map((i: { eventId: string }) => i.eventId));
    cursor = body.nextCursor;
  } while (cursor);
  assert.equal(seen.length, 10);
  assert.equal(new Set(seen).size, 10);
  // Pages follow the order of the full list (seq, compared as a number: 10 after 9).
  const all = (await send('GET', '/audit?limit=200')).json().items.map((i: { eventId: string }) => i.eventId);
  assert.deepEqual(seen, all);
  // Any RFC 3339 offset, even one PostgreSQL refuses, and far years: 200 or a 400, never a 500 (fuzz case).
  const odd = await send('GET', '/audit?from=9302-12-16T10%3A21%3A47-17%3A23&to=5146-01-28T18%3A04%3A55.8426Z');
  assert.equal(odd.statusCode, 200, odd.body);
  assert.deepEqual(odd.json().items, []);
  const bad = await send('GET', '/audit?cursor=nonsense');
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().code, 'INVALID_CURSOR');
});

test('only admins read the audit trail', async () => {
  const response = await bss.app.inject({ url: '/api/v1/audit', headers: bss.as('operator') });
  assert.equal(response.statusCode, 403);
});
