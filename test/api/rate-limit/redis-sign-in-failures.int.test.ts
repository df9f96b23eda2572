// Failed sign-ins on the real Redis: the adapter against the contract (and its in-process fallback
// while Redis is unreachable), and two instances on one Redis and one PostgreSQL schema sharing each
// address's limit, with every failed sign-in in the one audit trail; addresses without a recent
// failure cost no round trip.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'redis';
import { connectRateLimitRedis } from '../../../src/api/rate-limit/redis-store.ts';
import { redisSignInFailures } from '../../../src/api/rate-limit/redis-sign-in-failures.ts';
import { composedApp, type ComposedApp } from '../../support/composed-app.ts';
import { requireEnv, uniqueName } from '../../support/env.ts';
import { signInFailuresContract } from '../../application/auth/sign-in-failures-contract.ts';

const closers: Array<() => Promise<void>> = [];
after(async () => {
  // Every closer runs: a client left reconnecting would keep the test process alive.
  const results = await Promise.allSettled(closers.reverse().map((close) => close()));
  for (const result of results) if (result.status === 'rejected') throw result.reason;
});

function connect(url: string) {
  const fallbacks: Error[] = [];
  const redis = connectRateLimitRedis(url, `${uniqueName('bss_signin')}:`, (error) => fallbacks.push(error));
  closers.push(redis.close);
  return { ...redis, fallbacks };
}

async function connected(redis: ReturnType<typeof connect>) {
  // The client connects in the background; until then the counter falls back to the process.
  const probe = redis.signInFailures({ max: 1, windowMs: 1000 });
  for (let i = 0; i < 100; i++) {
    redis.fallbacks.length = 0;
    await probe.blockedFor('192.0.2.1');
    if (redis.fallbacks.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('redis did not connect');
}

const shared = connect(requireEnv('BSS_REDIS_URL'));
signInFailuresContract('Redis', async (limit) => {
  await connected(shared);
  return shared.signInFailures(limit);
});
test('the Redis contract was counted in Redis, not in the process', () => {
  assert.deepEqual(shared.fallbacks, []);
});

signInFailuresContract('Redis unreachable (each instance counts alone)', async (limit) =>
  connect('redis://127.0.0.1:1').signInFailures(limit),
);

const schema = uniqueName('signin');
let first: ComposedApp;
let second: ComposedApp;
before(async () => {
  const env = {
    BSS_DATABASE_URL: requireEnv('BSS_DATABASE_URL'),
    BSS_DATABASE_SCHEMA: schema,
    BSS_REDIS_URL: requireEnv('BSS_REDIS_URL'),
    BSS_CACHE_PREFIX: `${schema}:`,
    BSS_AUTH_FAILURE_MAX: '3',
  };
  first = await composedApp(env);
  second = await composedApp(env);
  closers.push(async () => {
    await first.services.db.query(`DROP SCHEMA "${schema}" CASCADE`);
    await second.close();
    await first.close();
  });
});

test('two instances on one Redis share an address’s failed sign-ins; both refuse it past the limit', async () => {
  const address = '203.0.113.50';
  const get = (bss: ComposedApp, headers: Record<string, string>, remoteAddress = address) =>
    bss.app.inject({ url: '/api/v1/customers', headers, remoteAddress });
  const bad = { 'x-api-key': 'bss_00000000abcd_notTheSecretnotTheSecretnotTheSecret' };
  // Until its client connects an instance counts alone: wait for both.
  for (const bss of [first, second]) {
    for (let i = 0; (await get(bss, bss.as('viewer'), '192.0.2.99')).statusCode !== 200 && i < 100; i++);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  const statuses = [];
  for (const bss of [first, second, first, second, first]) statuses.push((await get(bss, bad)).statusCode);
  assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
  const refused = await get(second, second.as('viewer'));
  assert.equal(refused.statusCode, 429);
  assert.equal(refused.json().code, 'RATE_LIMITED');
  assert.ok(Number(refused.headers['retry-after']) > 0);
  assert.equal((await get(first, first.as('viewer'), '198.51.100.50')).statusCode, 200);

  let items: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 100 && items.length < 3; i++) {
    const url = `/api/v1/audit?action=auth.failed&actor=ip:${address}`;
    items = (await second.app.inject({ url, headers: second.as('admin') })).json().items;
    if (items.length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(items.length, 3);
  for (const item of items) assert.equal(item['target'], 'key:00000000abcd');
});

test('only addresses with a recent failure ask Redis; one blocked on another instance is refused within a refresh', async () => {
  const client = createClient({ url: requireEnv('BSS_REDIS_URL'), disableOfflineQueue: true });
  await client.connect();
  closers.push(async () => client.destroy());
  let evals = 0;
  const counted = {
    get isReady() {
      return client.isReady;
    },
    eval: ((...args: Parameters<typeof client.eval>) => {
      evals += 1;
      return client.eval(...args);
    }) as typeof client.eval,
  };
  const options = { client: counted, prefix: `${uniqueName('bss_skip')}:`, limit: { max: 2, windowMs: 60_000 } };
  const here = redisSignInFailures({ ...options, refreshMs: 200 });
  const elsewhere = redisSignInFailures({ ...options, refreshMs: 200 });

  assert.equal(await here.blockedFor('192.0.2.10'), 0);
  evals = 0;
  for (let i = 0; i < 50; i++) assert.equal(await here.blockedFor(`192.0.2.${i}`), 0);
  assert.equal(evals, 0, 'no round trip for addresses without failures until the next refresh');

  await elsewhere.record('198.51.100.77');
  await elsewhere.record('198.51.100.77');
  assert.ok((await elsewhere.blockedFor('198.51.100.77')) > 0, 'the recording instance knows at once');
  await new Promise((resolve) => setTimeout(resolve, 250));
  assert.ok((await here.blockedFor('198.51.100.77')) > 0, 'the other instance refuses it after one refresh');
});
