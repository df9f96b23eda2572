// The cache with a real Redis shared by two instances: L2 sharing, a stampede at expiry, tag
// invalidation, L1 coherence through pub/sub, Redis unavailable and coming back.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CacheOptions, LayeredCache } from '../../src/cache/layered-cache.ts';
import { entityEntry } from '../../src/cache/keys.ts';
import { waitFor } from '../support/wait.ts';
import { closeAll, lagRecorder, make, percentile, redisUrl, startProxy, uniquePrefix } from './support.ts';

after(closeAll);

const pair = (options: Partial<CacheOptions> = {}) => {
  const prefix = uniquePrefix();
  const one = () => make({ prefix, redisUrl: redisUrl(), ...options });
  return [one(), one()] as const;
};

const ready = (...caches: Array<LayeredCache>) =>
  waitFor('redis ready', () => caches.every((c) => c.stats().redis === 'ready'), 10_000);

/** One instance reaching Redis through a proxy the test controls, another directly; both ready. */
async function behindProxy(commandTimeoutMs: number) {
  const proxy = await startProxy(redisUrl());
  const prefix = uniquePrefix();
  const cache = make({ prefix, redisUrl: proxy.url, commandTimeoutMs });
  const other = make({ prefix, redisUrl: redisUrl() });
  await ready(cache, other);
  return { proxy, cache, other };
}

test('a value loaded by one instance is an L2 hit on the other', async () => {
  const [a, b] = pair();
  await ready(a, b);
  let loads = 0;
  const loader = async () => ((loads += 1), { name: 'Ada' });
  assert.deepEqual(await a.get('customer:1', loader, { ttlMs: 60_000 }), { name: 'Ada' });
  assert.deepEqual(await b.get('customer:1', loader, { ttlMs: 60_000 }), { name: 'Ada' });
  assert.equal(loads, 1);
  assert.equal(b.stats().levels.l2.hits, 1);
  await Promise.all([a.close(), b.close()]);
});

test('1,000 concurrent readers across two instances: at most 2 origin loads, cold and at expiry', async () => {
  const [a, b] = pair();
  await ready(a, b);
  let loads = 0;
  const loader = async () => {
    loads += 1;
    await new Promise((resolve) => setTimeout(resolve, 50)); // a slow origin widens the race
    return loads;
  };
  const stampede = () =>
    Promise.all(Array.from({ length: 1000 }, (_, i) => (i % 2 ? a : b).get('balance:hot', loader, { ttlMs: 300 })));
  const started = Date.now();
  const cold = await stampede();
  assert.ok(loads <= 2, `cold: ${loads} loads`);
  assert.ok(cold.every((v) => typeof v === 'number'));
  const coldLoads = loads;
  await new Promise((resolve) => setTimeout(resolve, 400)); // every copy is now past its expiry
  const expired = await stampede();
  assert.ok(loads - coldLoads <= 2, `at expiry: ${loads - coldLoads} loads`);
  assert.ok(expired.every((v) => typeof v === 'number'));
  console.log(`stampede: ${coldLoads} load(s) cold, ${loads - coldLoads} at expiry, ${Date.now() - started} ms`);
  await Promise.all([a.close(), b.close()]);
});

test('invalidating a tag in Redis drops every entry that carries it, for every instance', async () => {
  const prefix = uniquePrefix();
  const [a, b] = [0, 1].map(() => make({ prefix, redisUrl: redisUrl() })) as [LayeredCache, LayeredCache];
  await ready(a, b);
  const tags = ['customer:c1:lists'];
  let n = 0;
  const loader = async () => ++n;
  await a.get('order:list:c=c1:p1', loader, { ttlMs: 60_000, tags });
  await a.get('invoice:list:c=c1:p1', loader, { ttlMs: 60_000, tags });
  assert.equal(await b.get('order:list:c=c1:p1', loader, { ttlMs: 60_000, tags }), 1, 'L2 hit');
  // The event source bumps the tag in Redis and in a's L1; it does not broadcast (every instance
  // consumes the log itself), so b's L1 keeps its copy until its own source tells it.
  await a.invalidate({ tags }, 'event');
  const c = make({ prefix, redisUrl: redisUrl() });
  await ready(c);
  assert.equal(await c.get('order:list:c=c1:p1', loader, { ttlMs: 60_000, tags }), 3, 'L2 generation moved');
  assert.equal(await c.get('invoice:list:c=c1:p1', loader, { ttlMs: 60_000, tags }), 4);
  assert.equal(await b.get('order:list:c=c1:p1', loader, { ttlMs: 60_000, tags }), 1, 'b’s L1 not yet told');
  await b.invalidate({ tags }, 'broadcast'); // local only, as when the message arrives
  assert.equal(await b.get('order:list:c=c1:p1', loader, { ttlMs: 60_000, tags }), 3, 'L2 hit of c’s load');
  assert.equal(await a.get('invoice:list:c=c1:p1', loader, { ttlMs: 60_000, tags }), 4);
  assert.equal(n, 4);
  await Promise.all([a.close(), b.close(), c.close()]);
});

test('a write on one instance evicts the others’ L1 through the broadcast; lag p99 printed', async () => {
  const metrics = lagRecorder();
  const prefix = uniquePrefix();
  const a = make({ prefix, redisUrl: redisUrl() });
  const b = make({ prefix, redisUrl: redisUrl(), metrics });
  await ready(a, b);
  await waitFor('subscribed', async () => {
    // The subscription is in place once a broadcast arrives.
    await a.invalidate({ keys: ['probe:x'] }, 'write');
    return b.stats().invalidations.broadcast > 0;
  });
  const rounds = 200;
  for (let i = 0; i < rounds; i++) {
    const { key, tags } = entityEntry('customer', `c${i}`);
    let version = 0;
    const loader = async () => ++version;
    await b.get(key, loader, { ttlMs: 60_000, tags });
    const before = b.stats().invalidations.broadcast;
    await a.invalidate({ keys: [key] }, 'write', { committedAt: Date.now() });
    const deadline = Date.now() + 5000;
    while (b.stats().invalidations.broadcast === before) {
      assert.ok(Date.now() < deadline, 'broadcast not received');
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(await b.get(key, loader, { ttlMs: 60_000, tags }), 2, 'b loads again');
  }
  const lags = metrics.lags.slice(-rounds).map((s) => s * 1000);
  const p50 = percentile(lags, 50);
  const p99 = percentile(lags, 99);
  console.log(`broadcast invalidation lag over ${rounds}: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`);
  assert.ok(p99 < 1000, 'sanity bound');
  await Promise.all([a.close(), b.close()]);
});

test('Redis unreachable: reads are served by L1 and the loader, errors are counted, nothing throws', async () => {
  const cache = make({ prefix: uniquePrefix(), redisUrl: 'redis://127.0.0.1:1' });
  let loads = 0;
  const loader = async () => ++loads;
  assert.equal(await cache.get('customer:1', loader, { ttlMs: 60_000 }), 1);
  assert.equal(await cache.get('customer:1', loader, { ttlMs: 60_000 }), 1, 'L1 hit');
  await cache.invalidate({ keys: ['customer:1'], tags: ['t'] }, 'write');
  assert.equal(await cache.get('customer:1', loader, { ttlMs: 60_000 }), 2);
  const stats = cache.stats();
  assert.equal(stats.redis, 'down');
  assert.ok((stats.errors['read'] ?? 0) >= 2, JSON.stringify(stats.errors));
  assert.ok((stats.errors['invalidate'] ?? 0) >= 1);
  await cache.close();
});

test('Redis goes away and comes back: served meanwhile, L1 flushed once, L2 dropped once, no restart', async () => {
  const { proxy, cache, other } = await behindProxy(300);
  let n = 0;
  const loader = async () => ++n;
  assert.equal(await cache.get('customer:1', loader, { ttlMs: 60_000 }), 1);
  await proxy.down();
  await waitFor('redis seen down', () => cache.stats().redis === 'down', 10_000);
  assert.equal(await cache.get('customer:1', loader, { ttlMs: 60_000 }), 1, 'L1 still serves');
  // A write while Redis is away cannot bump the generation there: L2 would serve the old value later.
  await cache.invalidate({ keys: ['customer:1'] }, 'write');
  assert.equal(await cache.get('customer:1', loader, { ttlMs: 60_000 }), 2, 'loader serves');
  assert.ok((cache.stats().errors['invalidate'] ?? 0) >= 1);
  const flushesBefore = cache.stats().invalidations.flush;
  await proxy.up();
  await waitFor('redis back', () => cache.stats().redis === 'ready', 15_000);
  await waitFor('L1 flushed on reconnect', () => cache.stats().invalidations.flush === flushesBefore + 1, 10_000);
  // The epoch bump dropped L2's copy of customer:1 (written before the outage with value 1).
  await waitFor('L2 dropped', async () => (await other.get('customer:1', loader, { ttlMs: 60_000 })) !== 1, 10_000);
  // And L2 works again for this instance: a fresh key is shared.
  await cache.get('customer:2', async () => 'shared', { ttlMs: 60_000 });
  assert.equal(await other.get('customer:2', async () => 'not shared', { ttlMs: 60_000 }), 'shared');
  assert.equal(cache.stats().invalidations.flush, flushesBefore + 1, 'flushed once');
  await Promise.all([cache.close(), other.close()]);
  await proxy.down();
});

test('Redis stops answering: reads are served by the loader within the command timeout, then by L2 again', async () => {
  const { proxy, cache, other } = await behindProxy(200);
  let loads = 0;
  const loader = async () => ++loads;
  proxy.stall();
  const started = performance.now();
  assert.equal(await cache.get('customer:1', loader, { ttlMs: 60_000 }), 1, 'the loader serves');
  assert.ok(performance.now() - started < 2_000, 'not stuck behind the unanswered commands');
  assert.ok((cache.stats().errors['read'] ?? 0) >= 1, JSON.stringify(cache.stats().errors));
  proxy.resume();
  await waitFor(
    'L2 shared again',
    async () => {
      const key = `customer:${100 + loads}`;
      await cache.get(key, async () => 'from-cache', { ttlMs: 60_000 });
      return (await other.get(key, async () => 'from-other', { ttlMs: 60_000 })) === 'from-cache';
    },
    10_000,
  );
  await Promise.all([cache.close(), other.close()]);
  await proxy.down();
});

test('a new instance warms with the hottest keys saved by an earlier one, from L2 without origin loads', async () => {
  const prefix = uniquePrefix();
  const a = make({ prefix, redisUrl: redisUrl() });
  await ready(a);
  for (const [id, times] of [
    ['hot', 5],
    ['warm', 3],
    ['cold', 1],
  ] as const) {
    for (let i = 0; i < times; i++) await a.get(`customer:${id}`, async () => id, { ttlMs: 60_000 });
  }
  await a.close(); // saves the hottest keys
  const b = make({ prefix, redisUrl: redisUrl(), warming: { topN: 10 } });
  await ready(b);
  let origin = 0;
  b.loaders.register('customer', (key) => ({ ttlMs: 60_000, loader: async () => (origin++, key) }));
  assert.deepEqual(await b.warm(), { loaded: 3, failed: 0, skipped: 0 });
  assert.equal(origin, 0);
  assert.equal(b.stats().entries.l1, 3);
  assert.equal(b.stats().warming.last?.loaded, 3);
  assert.equal(await b.get('customer:hot', async () => 'origin', { ttlMs: 60_000 }), 'hot');
  await b.close();
});

test('XFetch across instances: one refreshes early, the other takes the refreshed value from L2', async () => {
  const prefix = uniquePrefix();
  let t = Date.now();
  const early = Math.exp(-10); // margin Δ·β·10 = 1000 ms: refresh early
  const late = 0.999; // margin ≈ 0
  const rand = { a: late, b: late };
  const a = make({ prefix, redisUrl: redisUrl(), now: () => t, random: () => rand.a });
  const b = make({ prefix, redisUrl: redisUrl(), now: () => t, random: () => rand.b });
  try {
    await ready(a, b);
    let loads = 0;
    const loader = async () => {
      t += 100; // Δ = 100 ms
      return ++loads;
    };
    assert.equal(await a.get('balance:x', loader, { ttlMs: 1000 }), 1);
    assert.equal(await b.get('balance:x', loader, { ttlMs: 1000 }), 1, 'L2 hit');
    t += 500;
    rand.a = early;
    assert.equal(await a.get('balance:x', loader, { ttlMs: 1000 }), 1, 'served while refreshing');
    rand.a = late;
    await waitFor('a refreshed', async () => (await a.get('balance:x', loader, { ttlMs: 1000 })) === 2, 5000);
    rand.b = early;
    assert.equal(await b.get('balance:x', loader, { ttlMs: 1000 }), 1, 'served while refreshing');
    rand.b = late;
    await waitFor('b took a’s value', async () => (await b.get('balance:x', loader, { ttlMs: 1000 })) === 2, 5000);
    assert.equal(loads, 2, 'b did not load');
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('while another instance recomputes, an invalidated value is never served as stale: the reader waits', async () => {
  const [a, b] = pair();
  await ready(a, b);
  const tags = ['customer:c9:lists'];
  let version = 1;
  const slow = async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    return version;
  };
  assert.equal(await a.get('order:list:c=c9:p1', slow, { ttlMs: 200, tags }), 1);
  assert.equal(await b.get('order:list:c=c9:p1', slow, { ttlMs: 200, tags }), 1);
  version = 2;
  await a.invalidate({ tags }, 'event'); // Redis + a's L1; b's L1 still holds 1
  await new Promise((resolve) => setTimeout(resolve, 300)); // b's copy has expired too
  const fromA = a.get('order:list:c=c9:p1', slow, { ttlMs: 60_000, tags }); // takes the lease
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(await b.get('order:list:c=c9:p1', slow, { ttlMs: 60_000, tags }), 2);
  assert.equal(await fromA, 2);
});

/** A loader that answers `value` only when the test opens it. */
function gated<T>(value: T) {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, loader: async () => (await opened, value) };
}

/** The reader's answer, or a failure naming the wait it must not do (`waitMs` is a minute here). */
const promptly = <T>(read: Promise<T>, what: string) =>
  Promise.race([
    read,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: still waiting`)), 10_000).unref()),
  ]);

test('a load an invalidation made stale holds its lease, yet the next reader on that instance loads at once', async () => {
  const [a] = pair({ waitMs: 60_000 });
  await ready(a);
  const tags = ['customer:c7:balance'];
  const first = gated(1);
  const stale = a.get('balance:c7', first.loader, { ttlMs: 60_000, tags }); // takes the lease, then waits
  await new Promise((resolve) => setTimeout(resolve, 50));
  await a.invalidate({ tags }, 'event'); // forgets that load: its value is stale
  assert.equal(
    await promptly(
      a.get('balance:c7', async () => 2, { ttlMs: 60_000, tags }),
      'second reader',
    ),
    2,
  );
  first.open();
  assert.equal(await stale, 1, 'the forgotten load still answers its own caller');
  assert.equal(
    await a.get('balance:c7', async () => 3, { ttlMs: 60_000, tags }),
    2,
    'the stale load did not replace it',
  );
});

test('a load that starts while its instance is still asking Redis for the lease does not wait for it', async () => {
  const proxy = await startProxy(redisUrl());
  // Long lease and wait: only not asking at all lets the second reader answer within promptly()'s 10 s.
  const a = make({
    prefix: uniquePrefix(),
    redisUrl: proxy.url,
    leaseMs: 60_000,
    waitMs: 60_000,
    commandTimeoutMs: 30_000,
  });
  await ready(a);
  const tags = ['customer:c6:balance'];
  const first = gated(1);
  proxy.stall(); // both reads answered together: the first load asks for the lease just before the second looks
  const stale = a.get('balance:c6', first.loader, { ttlMs: 60_000, tags });
  try {
    await new Promise((resolve) => setTimeout(resolve, 50));
    await a.invalidate({ tags }, 'event', { localOnly: true }); // forgets the first load, leaves Redis alone
    const second = a.get('balance:c6', async () => 2, { ttlMs: 60_000, tags });
    await new Promise((resolve) => setTimeout(resolve, 50));
    proxy.resume();
    assert.equal(await promptly(second, 'second reader'), 2);
  } finally {
    first.open();
    assert.equal(await stale, 1);
    await a.close(); // a reader still waiting stops with it
    await proxy.down();
  }
});

test('when the lease holder lets go without a current value, a waiting reader takes the lease instead of waiting it out', async () => {
  const [a, b] = pair({ waitMs: 60_000 });
  await ready(a, b);
  const tags = ['customer:c8:balance'];
  const first = gated(1);
  const stale = a.get('balance:c8', first.loader, { ttlMs: 60_000, tags }); // a holds the lease
  await new Promise((resolve) => setTimeout(resolve, 50));
  let loadsOnB = 0;
  const fromB = b.get('balance:c8', async () => (loadsOnB++, 2), { ttlMs: 60_000, tags }); // waits for a
  await new Promise((resolve) => setTimeout(resolve, 50));
  await b.invalidate({ tags }, 'event'); // a's value will be written under old generations
  first.open();
  assert.equal(await stale, 1);
  assert.equal(await promptly(fromB, 'reader on b'), 2);
  assert.equal(loadsOnB, 1);
});

test('a local-only invalidation leaves Redis alone', async () => {
  const [a, b] = pair();
  await ready(a, b);
  let n = 0;
  const loader = async () => ++n;
  assert.equal(await a.get('customer:l', loader, { ttlMs: 60_000 }), 1);
  assert.equal(await b.get('customer:l', loader, { ttlMs: 60_000 }), 1);
  await b.invalidate({ keys: ['customer:l'] }, 'event', { localOnly: true });
  assert.equal(await b.get('customer:l', loader, { ttlMs: 60_000 }), 1, 'L1 dropped, L2 still holds it');
  assert.equal(b.stats().levels.l2.hits, 2);
  assert.equal(n, 1);
});
