// Rate limits across instances: two apps counting in the real Redis share one budget per caller; with
// Redis unreachable each instance still limits on its own count.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../../src/api/app.ts';
import type { ApiApp } from '../../../src/api/types.ts';
import { defaultSecurity } from '../../../src/config.ts';
import { connectRateLimitRedis } from '../../../src/api/rate-limit/redis-store.ts';
import { createMetricsRegistry } from '../../../src/observability/metrics.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { everyoneIsAdmin } from '../../support/app.ts';
import { requireEnv, uniqueName } from '../../support/env.ts';

const security = { ...defaultSecurity(), rateLimitMax: 5, rateLimitWindowMs: 60_000 };
const closers: Array<() => Promise<void>> = [];

async function instance(redisUrl: string, prefix: string, onFallback?: (error: Error) => void): Promise<ApiApp> {
  const redis = connectRateLimitRedis(redisUrl, prefix, onFallback);
  const app = await buildApp({
    logger: createLogger('silent'),
    registry: createMetricsRegistry(),
    readiness: [],
    auth: everyoneIsAdmin,
    security,
    rateLimitStore: redis.store,
  });
  app.get('/probe', async () => ({ ok: true }));
  closers.push(async () => {
    await app.close();
    await redis.close();
  });
  await app.ready();
  return app;
}

let redisUrl: string;
before(() => {
  redisUrl = requireEnv('BSS_REDIS_URL');
});
after(async () => {
  for (const close of closers) await close();
});

async function waitConnected(app: ApiApp): Promise<void> {
  // The client connects in the background; the first answers may be counted locally until then.
  for (let i = 0; i < 50; i++) {
    const response = await app.inject({ url: '/health/live' });
    assert.equal(response.statusCode, 200);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('two instances on one Redis share the caller’s budget', async () => {
  const prefix = `${uniqueName('bss_rl')}:`;
  const a = await instance(redisUrl, prefix);
  const b = await instance(redisUrl, prefix);
  await Promise.all([waitConnected(a), waitConnected(b)]);
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) {
    const response = await (i % 2 === 0 ? a : b).inject({ url: '/probe' });
    statuses.push(response.statusCode);
    if (response.statusCode === 429) {
      assert.equal(response.json().code, 'RATE_LIMITED');
      assert.ok(Number(response.headers['retry-after']) > 0);
    }
  }
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
});

test('Redis unreachable: each instance limits on its own count', async () => {
  const failures: Error[] = [];
  const a = await instance('redis://127.0.0.1:1', `${uniqueName('bss_rl')}:`, (error) => failures.push(error));
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) statuses.push((await a.inject({ url: '/probe' })).statusCode);
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
  assert.ok(failures.length >= 7, `${failures.length} fallbacks`);
});
