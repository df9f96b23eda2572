// The cache in embedded mode (L1 only): single-flight, expiry and XFetch early refresh on an injected
// clock and randomness, invalidation by key and tag (also while a load runs), stats, warming.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createCache } from '../../src/cache/index.ts';
import { waitFor } from '../support/wait.ts';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

test('concurrent gets of one key share one load', async () => {
  const cache = createCache({ prefix: 'unit:' });
  const gate = deferred<string>();
  let loads = 0;
  const loader = () => {
    loads += 1;
    return gate.promise;
  };
  const readers = Array.from({ length: 100 }, () => cache.get('customer:1', loader, { ttlMs: 1000 }));
  gate.resolve('v');
  assert.deepEqual(new Set(await Promise.all(readers)), new Set(['v']));
  assert.equal(loads, 1);
  assert.equal(await cache.get('customer:1', loader, { ttlMs: 1000 }), 'v');
  assert.equal(loads, 1);
  await cache.close();
});

test('a value expires after ttl; before that XFetch refreshes early in the background', async () => {
  const c = clock();
  let r = 0.999; // −ln(0.999) ≈ 0.001: no early refresh
  const cache = createCache({ prefix: 'unit:', now: c.now, random: () => r });
  let version = 0;
  const loader = async () => {
    c.advance(100); // the load takes 100 ms: Δ = 100
    return ++version;
  };
  assert.equal(await cache.get('balance:1', loader, { ttlMs: 1000 }), 1);
  c.advance(500);
  assert.equal(await cache.get('balance:1', loader, { ttlMs: 1000 }), 1);
  // 800 ms before expiry, rand = e^-10: margin Δ·β·10 = 1000 ≥ 800 → refresh early, serve the current value.
  r = Math.exp(-10);
  assert.equal(await cache.get('balance:1', loader, { ttlMs: 1000 }), 1);
  await waitFor('early refresh', () => version === 2, 2000);
  r = 0.999;
  await waitFor('refreshed value', async () => (await cache.get('balance:1', loader, { ttlMs: 1000 })) === 2, 2000);
  c.advance(5000);
  assert.equal(await cache.get('balance:1', loader, { ttlMs: 1000 }), 3, 'expired: loaded again');
  await cache.close();
});

test('invalidating a key or a tag makes the next get load again', async () => {
  const cache = createCache({ prefix: 'unit:' });
  let n = 0;
  const loader = async () => ++n;
  const opts = { ttlMs: 60_000, tags: ['customer:c1:lists'] };
  assert.equal(await cache.get('order:list:c=c1:a', loader, opts), 1);
  assert.equal(await cache.get('order:list:c=c1:b', loader, opts), 2);
  await cache.invalidate({ tags: ['customer:c1:lists'] }, 'write');
  assert.equal(await cache.get('order:list:c=c1:a', loader, opts), 3);
  assert.equal(await cache.get('order:list:c=c1:b', loader, opts), 4);
  await cache.invalidate({ keys: ['order:list:c=c1:a'] }, 'event');
  assert.equal(await cache.get('order:list:c=c1:a', loader, opts), 5);
  assert.equal(await cache.get('order:list:c=c1:b', loader, opts), 4);
  await cache.close();
});

test('an invalidation during a load: the loaded (old) value is not kept, later readers do not join that load', async () => {
  const cache = createCache({ prefix: 'unit:' });
  const gate = deferred<string>();
  const first = cache.get('customer:9', () => gate.promise, { ttlMs: 60_000 });
  await cache.invalidate({ keys: ['customer:9'] }, 'write');
  const second = cache.get('customer:9', async () => 'new', { ttlMs: 60_000 });
  gate.resolve('old');
  assert.equal(await first, 'old', 'the reader that started before the write gets what it loaded');
  assert.equal(await second, 'new');
  assert.equal(await cache.get('customer:9', async () => 'again', { ttlMs: 60_000 }), 'new');
  await cache.close();
});

test('a failing loader rejects its callers and is not cached', async () => {
  const cache = createCache({ prefix: 'unit:' });
  await assert.rejects(
    cache.get('customer:x', () => Promise.reject(new Error('db down')), { ttlMs: 1000 }),
    /db down/,
  );
  assert.equal(await cache.get('customer:x', async () => 'ok', { ttlMs: 1000 }), 'ok');
  await cache.close();
});

test('stats and metrics report hits, misses, loads and invalidations per level and cache', async () => {
  const registry = new Registry();
  const cache = createCache({ prefix: 'unit:', registry });
  const loader = async () => 'v';
  await cache.get('customer:1', loader, { ttlMs: 60_000 });
  await cache.get('customer:1', loader, { ttlMs: 60_000 });
  await cache.get('customer:1', loader, { ttlMs: 60_000 });
  await cache.get('balance:1', loader, { ttlMs: 60_000 });
  await cache.invalidate({ keys: ['customer:1'] }, 'notify', { committedAt: Date.now() - 5 });
  const stats = cache.stats();
  assert.equal(stats.redis, 'disabled');
  assert.deepEqual(stats.levels.l1, { hits: 2, misses: 2, hitRatio: 0.5 });
  assert.equal(stats.caches['customer']?.l1.hitRatio, 2 / 3);
  assert.equal(stats.caches['balance']?.loads, 1);
  assert.equal(stats.loads, 2);
  assert.equal(stats.entries.l1, 1);
  assert.equal(stats.invalidations.notify, 1);
  const text = await registry.metrics();
  assert.match(text, /bss_cache_requests_total\{cache="customer",level="l1",result="hit"\} 2/);
  assert.match(text, /bss_cache_loads_total\{cache="balance"\} 1/);
  assert.match(text, /bss_cache_invalidations_total\{source="notify"\} 1/);
  assert.match(text, /bss_cache_invalidation_lag_seconds_count\{source="notify"\} 1/);
  await cache.close();
});

test('warming: the hottest keys are loaded again after a flush, through the registered loaders', async () => {
  const cache = createCache({ prefix: 'unit:', warming: { topN: 2, concurrency: 2 } });
  const loads: string[] = [];
  cache.loaders.register('customer', (key) => ({
    ttlMs: 60_000,
    loader: async () => (loads.push(key), key.toUpperCase()),
  }));
  const direct = async () => 'direct';
  for (let i = 0; i < 5; i++) await cache.get('customer:hot', direct, { ttlMs: 60_000 });
  for (let i = 0; i < 3; i++) await cache.get('customer:warm', direct, { ttlMs: 60_000 });
  await cache.get('customer:cold', direct, { ttlMs: 60_000 });
  cache.flushLocal();
  await waitFor('warming after flush', () => cache.stats().warming.runs === 1, 2000);
  assert.deepEqual(loads.sort(), ['customer:hot', 'customer:warm']);
  assert.equal(cache.stats().warming.last?.loaded, 2);
  assert.equal(await cache.get('customer:hot', direct, { ttlMs: 60_000 }), 'CUSTOMER:HOT', 'served from L1');
  const result = await cache.warm(['customer:a', 'unknown:b']);
  assert.deepEqual(result, { loaded: 1, failed: 0, skipped: 1 });
  assert.equal(cache.stats().invalidations.flush, 1);
  await cache.close();
});
