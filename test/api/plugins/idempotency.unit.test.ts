// Idempotency-Key on the real composed app (replay, reuse, scoping), and the plugin's outcome rules
// (what is stored, what is released, in-flight) on a small app whose handlers the test controls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composedAppPerFile } from '../../support/composed-app.ts';
import { testApp } from '../../support/app.ts';
import { createPgliteDb } from '../../../src/store/pglite-db.ts';
import { migrate } from '../../../src/store/migrate.ts';
import { createIdempotencyStore } from '../../../src/application/idempotency/idempotency-store.ts';
import { canonicalJson, registerIdempotency } from '../../../src/api/plugins/idempotency.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { BssError } from '../../../src/errors.ts';
import { customerBody } from '../../support/customers.ts';

const bss = composedAppPerFile();

const post = (url: string, payload: object | undefined, headers: Record<string, string>) =>
  bss.app.inject({ method: 'POST', url, headers, ...(payload ? { payload } : {}) });

test('a retry with the same key and body replays the response and appends no event', async () => {
  const headers = { ...bss.as('operator'), 'idempotency-key': 'create-cus-replay' };
  const first = await post('/api/v1/customers', customerBody('cus_replay'), headers);
  assert.equal(first.statusCode, 201, first.body);
  const events = await bss.countEvents();

  const retry = await post('/api/v1/customers', customerBody('cus_replay'), headers);
  assert.equal(retry.statusCode, 201);
  assert.equal(retry.body, first.body);
  for (const name of ['etag', 'location', 'content-type']) assert.equal(retry.headers[name], first.headers[name], name);
  assert.equal(retry.headers['idempotent-replayed'], 'true');
  assert.equal(await bss.countEvents(), events, 'the handler did not run again');

  const { address, ...rest } = customerBody('cus_replay');
  const reordered = { address, ...rest };
  assert.equal((await post('/api/v1/customers', reordered, headers)).statusCode, 201, 'key order does not matter');
});

test('the same key with another body is 422 IDEMPOTENCY_KEY_REUSED', async () => {
  const headers = { ...bss.as('operator'), 'idempotency-key': 'create-cus-reuse' };
  assert.equal((await post('/api/v1/customers', customerBody('cus_reuse'), headers)).statusCode, 201);
  const events = await bss.countEvents();
  const reused = await post('/api/v1/customers', customerBody('cus_reuse', 'Berta'), headers);
  assert.equal(reused.statusCode, 422);
  assert.equal(reused.json().code, 'IDEMPOTENCY_KEY_REUSED');
  const otherPath = await post('/api/v1/customers/cus_reuse/suspend', {}, headers);
  assert.equal(otherPath.json().code, 'IDEMPOTENCY_KEY_REUSED', 'another path is another request');
  assert.equal(await bss.countEvents(), events);
});

test('keys are scoped by caller: another key holder with the same key runs its own request', async () => {
  const key = { 'idempotency-key': 'shared-key-name' };
  const a = await post('/api/v1/customers', customerBody('cus_scope_a'), { ...bss.as('operator'), ...key });
  const b = await post('/api/v1/customers', customerBody('cus_scope_b'), { ...bss.as('admin'), ...key });
  assert.equal(a.statusCode, 201);
  assert.equal(b.statusCode, 201);
  assert.equal(b.headers['idempotent-replayed'], undefined);
});

test('final 4xx answers are replayed too: a conflict stays the same conflict', async () => {
  const headers = { ...bss.as('operator'), 'idempotency-key': 'resume-active' };
  await post('/api/v1/customers', customerBody('cus_resume_conflict'), bss.as('operator'));
  const first = await post('/api/v1/customers/cus_resume_conflict/resume', {}, headers);
  assert.equal(first.statusCode, 409, first.body);
  const retry = await post('/api/v1/customers/cus_resume_conflict/resume', {}, headers);
  assert.equal(retry.statusCode, 409);
  assert.equal(retry.headers['idempotent-replayed'], 'true');
  assert.equal(retry.body, first.body);
});

test('PATCH honours the key as well; GET ignores it', async () => {
  await post('/api/v1/customers', customerBody('cus_patch_idem'), bss.as('operator'));
  const headers = { ...bss.as('operator'), 'idempotency-key': 'patch-1' };
  const patch = () =>
    bss.app.inject({
      method: 'PATCH',
      url: '/api/v1/customers/cus_patch_idem',
      headers,
      payload: { phone: '+43660123' },
    });
  const first = await patch();
  assert.equal(first.statusCode, 200, first.body);
  assert.equal(first.headers.etag, '"2"');
  const retry = await patch();
  assert.equal(retry.headers.etag, '"2"', 'not applied twice');
  assert.equal(retry.headers['idempotent-replayed'], 'true');
  const get = await bss.app.inject({ method: 'GET', url: '/api/v1/customers/cus_patch_idem', headers });
  assert.equal(get.headers['idempotent-replayed'], undefined);
});

test('malformed keys are 400 naming the header', async () => {
  for (const key of ['', 'x'.repeat(201), 'tab\there']) {
    const response = await post('/api/v1/customers', customerBody('cus_badkey'), {
      ...bss.as('operator'),
      'idempotency-key': key,
    });
    assert.equal(response.statusCode, 400, JSON.stringify(key));
    assert.equal(response.json().code, 'INVALID_IDEMPOTENCY_KEY');
    assert.equal(response.json().errors[0].field, '/headers/idempotency-key');
  }
  const longest = await post('/api/v1/customers', customerBody('cus_longkey'), {
    ...bss.as('operator'),
    'idempotency-key': 'k'.repeat(200),
  });
  assert.equal(longest.statusCode, 201);
});

test('two concurrent requests with one key: one runs, the other is told it is in progress or replayed', async () => {
  const headers = { ...bss.as('operator'), 'idempotency-key': 'concurrent' };
  const events = await bss.countEvents();
  const responses = await Promise.all(
    Array.from({ length: 4 }, () => post('/api/v1/customers', customerBody('cus_concurrent'), headers)),
  );
  const statuses = responses.map((r) => r.statusCode).sort();
  assert.equal(statuses.filter((s) => s === 201).length >= 1, true, String(statuses));
  for (const response of responses) {
    assert.ok(response.statusCode === 201 || response.json().code === 'IDEMPOTENCY_KEY_IN_PROGRESS', response.body);
  }
  assert.equal(responses.filter((r) => r.statusCode === 201 && !r.headers['idempotent-replayed']).length, 1);
  assert.equal(await bss.countEvents(), events + 1, 'one customer.created');
});

test('canonicalJson sorts keys at every level and keeps arrays in order', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } }),
    '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
  );
  assert.equal(canonicalJson(undefined), 'null');
});

/** A small app with the plugin and handlers the test steers. */
async function pluginApp() {
  const db = await createPgliteDb(undefined);
  await migrate(db);
  const app = await testApp();
  const runs = { ok: 0, boom: 0, busy: 0, slow: 0 };
  let releaseSlow: () => void = () => {};
  const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
  await app.register(async (scope) => {
    registerIdempotency(scope, createIdempotencyStore(db), createLogger('silent'));
    scope.post('/ok', async (_request, reply) => {
      runs.ok++;
      return reply.status(201).header('etag', '"7"').send({ run: runs.ok });
    });
    scope.post('/boom', async () => {
      runs.boom++;
      throw new Error('database went away');
    });
    scope.post('/busy', async () => {
      runs.busy++;
      throw new BssError('CONCURRENT_MODIFICATION', 'try again', { status: 409, retryable: true });
    });
    scope.post('/slow', async () => {
      runs.slow++;
      await slowGate;
      return { done: true };
    });
  });
  return { app, runs, releaseSlow, close: async () => (await app.close(), await db.close()) };
}

test('5xx and retryable errors are not stored: a retry runs the handler again', async () => {
  const { app, runs, close } = await pluginApp();
  try {
    const call = (url: string) =>
      app.inject({ method: 'POST', url, headers: { 'idempotency-key': `k-${url}` }, payload: {} });
    assert.equal((await call('/boom')).statusCode, 500);
    assert.equal((await call('/boom')).statusCode, 500);
    assert.equal(runs.boom, 2);
    assert.equal((await call('/busy')).statusCode, 409);
    assert.equal((await call('/busy')).statusCode, 409);
    assert.equal(runs.busy, 2);
    assert.equal((await call('/ok')).statusCode, 201);
    const replay = await call('/ok');
    assert.deepEqual(replay.json(), { run: 1 });
    assert.equal(replay.headers.etag, '"7"');
    assert.equal(runs.ok, 1);
  } finally {
    await close();
  }
});

test('a retry while the first request runs gets 409 IDEMPOTENCY_KEY_IN_PROGRESS, retryable', async () => {
  const { app, runs, releaseSlow, close } = await pluginApp();
  try {
    const request = () =>
      app.inject({ method: 'POST', url: '/slow', headers: { 'idempotency-key': 'slow' }, payload: {} });
    const first = request();
    while (runs.slow === 0) await new Promise((resolve) => setImmediate(resolve));
    const second = await request();
    assert.equal(second.statusCode, 409);
    assert.equal(second.json().code, 'IDEMPOTENCY_KEY_IN_PROGRESS');
    assert.equal(second.json().retryable, true);
    assert.equal(second.headers['retry-after'], '1');
    releaseSlow();
    assert.equal((await first).statusCode, 200);
    const third = await request();
    assert.deepEqual(third.json(), { done: true });
    assert.equal(third.headers['idempotent-replayed'], 'true');
    assert.equal(runs.slow, 1);
  } finally {
    await close();
  }
});
