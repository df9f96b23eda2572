// The cache: L1 in process, L2 in Redis (optional), XFetch early refresh, single-flight per key in the
// instance and a Redis lease across instances, so a hot key expiring under load costs one origin
// load. Redis trouble never reaches callers: it is counted and the cache serves from L1 and the loader.
import { randomUUID } from 'node:crypto';
import type { Cache, CacheStats, GetOptions, InvalidationSource, Loader } from './cache.ts';
import { noCacheMetrics, type CacheMetrics } from './cache-metrics.ts';
import { createStatsRecorder } from './cache-stats.ts';
import { familyOfKey } from './keys.ts';
import { createL1, type L1Entry } from './l1.ts';
import { createRedisL2, type RedisL2 } from './redis-l2.ts';
import { createAccessTracker, createLoaderRegistry, createWarmer, type LoaderRegistry } from './warming.ts';
import { xfetchShouldRecompute } from './xfetch.ts';

export interface CacheOptions {
  /** Namespace of every Redis name, e.g. `bss:prod:`; tests use a unique one each. */
  readonly prefix: string;
  /** Absent: L1 only (embedded mode). */
  readonly redisUrl?: string;
  readonly metrics?: CacheMetrics;
  readonly l1?: { readonly maxEntries?: number; readonly maxSizeBytes?: number };
  /** XFetch β (default 1): > 1 refreshes earlier, < 1 later. */
  readonly beta?: number;
  readonly random?: () => number;
  readonly now?: () => number;
  /** How long the recompute lease lives (default 2 s); loads slower than this may run twice. */
  readonly leaseMs?: number;
  /** How long a reader with nothing stale waits for another instance's load (default leaseMs). */
  readonly waitMs?: number;
  readonly pollMs?: number;
  /** Entries outlive their expiry this long, to be served while another reader recomputes (default 30 s). */
  readonly staleMs?: number;
  readonly commandTimeoutMs?: number;
  readonly warming?: {
    readonly concurrency?: number;
    readonly topN?: number;
    readonly trackedKeys?: number;
    /** How often the hottest keys are saved to Redis for instances that start later (default 60 s). */
    readonly snapshotIntervalMs?: number;
  };
}

export interface LayeredCache extends Cache {
  /** Loaders per key family, for warming. */
  readonly loaders: LoaderRegistry;
}

interface Flight {
  readonly promise: Promise<unknown>;
  readonly tags: readonly string[];
}

interface Broadcast {
  readonly from: string;
  readonly at: number;
  readonly k: readonly string[];
  readonly t: readonly string[];
}

const BROADCAST_CHANNEL = 'invalidate';
const HOT_KEYS = 'hot';

const sameList = (a: ReadonlyArray<string | null>, b: ReadonlyArray<string | null>) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

export function createLayeredCache(options: CacheOptions): LayeredCache {
  const now = options.now ?? Date.now;
  const rand = options.random ?? Math.random;
  const beta = options.beta ?? 1;
  const leaseMs = options.leaseMs ?? 2000;
  const waitMs = options.waitMs ?? leaseMs;
  const pollMs = options.pollMs ?? 20;
  const staleMs = options.staleMs ?? 30_000;
  const topN = options.warming?.topN ?? 500;
  const instance = randomUUID();
  const rec = createStatsRecorder(options.metrics ?? noCacheMetrics);
  const l1 = createL1({ ...options.l1, staleMs, now });
  const tracker = createAccessTracker(options.warming?.trackedKeys);
  const loaders = createLoaderRegistry();
  const warmer = createWarmer(tracker, loaders, options.warming?.concurrency);
  const flights = new Map<string, Flight>();
  const background = new Set<Promise<unknown>>();
  let l2Dirty = false;
  let closed = false;

  const l2: RedisL2 | undefined = options.redisUrl
    ? createRedisL2({
        url: options.redisUrl,
        prefix: options.prefix,
        ...(options.commandTimeoutMs ? { commandTimeoutMs: options.commandTimeoutMs } : {}),
      })
    : undefined;

  /** Runs a Redis operation; a failure is counted and becomes `fallback`. */
  async function safely<T>(operation: string, fallback: T, fn: (l2: RedisL2) => Promise<T>): Promise<T> {
    if (!l2) return fallback;
    try {
      return await fn(l2);
    } catch {
      rec.error(operation);
      return fallback;
    }
  }

  function track(promise: Promise<unknown>) {
    const p = promise.catch(() => rec.error('background')).finally(() => background.delete(p));
    background.add(p);
  }

  function flight<T>(key: string, tags: readonly string[], fn: () => Promise<T>): Promise<T> {
    const existing = flights.get(key);
    if (existing) return existing.promise as Promise<T>;
    const promise = fn().finally(() => {
      if (flights.get(key)?.promise === promise) flights.delete(key);
    });
    flights.set(key, { promise, tags });
    return promise;
  }

  async function load<T>(
    key: string,
    loader: Loader<T>,
    options: GetOptions,
    tick: number,
    gens?: ReadonlyArray<string | null>,
    leased = false,
  ) {
    const started = now();
    let value: T;
    try {
      value = await loader();
    } catch (error) {
      if (leased) await safely('lease', undefined, (r) => r.releaseLease(key));
      throw error;
    }
    const finished = now();
    rec.load(familyOfKey(key));
    const tags = options.tags ?? [];
    const entry: L1Entry = { value, deltaMs: finished - started, expiry: finished + options.ttlMs, tags, tick };
    l1.set(key, entry);
    if (gens) {
      // The generations read before loading: an invalidation during the load makes this entry a miss.
      const stored = { v: value, d: entry.deltaMs, e: entry.expiry, t: tags, g: gens };
      // Issued in the same tick, node-redis pipelines the two: one round trip.
      await Promise.all([
        safely('write', undefined, (r) => r.write(key, stored, options.ttlMs + staleMs)),
        leased ? safely('lease', undefined, (r) => r.releaseLease(key)) : undefined,
      ]);
    }
    return value;
  }

  /** Reads L2 until another instance's load shows up there, or waitMs passes. */
  async function waitForOther(
    key: string,
    tags: readonly string[],
    tick: number,
  ): Promise<{ value: unknown } | undefined> {
    const deadline = now() + waitMs;
    while (now() < deadline && l2?.isReady) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      const read = await safely('read', undefined, (r) => r.read(key, tags));
      if (!read) return undefined;
      const e = read.entry;
      if (e && sameList(e.t, tags) && sameList(e.g, read.gens) && now() < e.e) {
        l1.set(key, { value: e.v, deltaMs: e.d, expiry: e.e, tags, tick });
        return { value: e.v };
      }
    }
    return undefined;
  }

  /** L1 missed (or wants an early refresh, `early`): L2, then the origin under the lease. */
  async function fetch<T>(
    key: string,
    loader: Loader<T>,
    options: GetOptions,
    stale: L1Entry | undefined,
    early: boolean,
  ) {
    const family = familyOfKey(key);
    const tags = options.tags ?? [];
    const tick = l1.tick();
    // What may be served while another instance recomputes: L1's value only for an early refresh (it
    // has not expired), otherwise an expired L2 entry whose generations are still current.
    let staleValue = early && stale ? { value: stale.value } : undefined;
    if (!l2) return load(key, loader, options, tick);
    if (!l2.isReady) {
      rec.error('read');
      return load(key, loader, options, tick);
    }
    let gens: ReadonlyArray<string | null> | undefined;
    try {
      const read = await l2.read(key, tags);
      gens = read.gens;
      const e = read.entry;
      if (e && sameList(e.t, tags) && sameList(e.g, read.gens)) {
        // An early refresh takes L2's value only if another instance already refreshed it.
        if (now() < e.e && !(early && stale && e.e <= stale.expiry)) {
          rec.request(family, 'l2', 'hit');
          l1.set(key, { value: e.v, deltaMs: e.d, expiry: e.e, tags, tick });
          return e.v as T;
        }
        staleValue = { value: e.v };
      } else if (e) {
        staleValue = undefined; // invalidated in Redis, perhaps not yet here
      }
    } catch {
      rec.error('read');
      return load(key, loader, options, tick);
    }
    rec.request(family, 'l2', 'miss');
    const leased = await safely('lease', true, (r) => r.acquireLease(key, leaseMs));
    if (!leased) {
      // Another instance is recomputing: serve what we have, or wait a little for its result.
      if (staleValue) return staleValue.value as T;
      const other = await waitForOther(key, tags, tick);
      if (other) return other.value as T;
    }
    return load(key, loader, options, tick, gens, leased);
  }

  async function get<T>(key: string, loader: Loader<T>, options: GetOptions, record = true): Promise<T> {
    if (record) tracker.record(key);
    const family = familyOfKey(key);
    const tags = options.tags ?? [];
    const hit = l1.get(key, tags);
    const t = now();
    if (hit && t < hit.expiry) {
      rec.request(family, 'l1', 'hit');
      if (!closed && !flights.has(key) && xfetchShouldRecompute(t, hit.expiry, hit.deltaMs, beta, rand)) {
        track(flight(key, tags, () => fetch(key, loader, options, hit, true)));
      }
      return hit.value as T;
    }
    rec.request(family, 'l1', 'miss');
    return flight(key, tags, () => fetch(key, loader, options, hit, false));
  }

  function applyLocal(keys: readonly string[], tags: readonly string[]) {
    l1.invalidate(keys, tags);
    // Readers arriving after the invalidation must not join a load that started before it.
    for (const [key, f] of flights) {
      if (keys.includes(key) || f.tags.some((t) => tags.includes(t))) flights.delete(key);
    }
  }

  const cache: LayeredCache = {
    loaders,
    get: (key, loader, options) => get(key, loader, options),

    async invalidate(target, source: InvalidationSource, opts = {}) {
      const keys = target.keys ?? [];
      const tags = target.tags ?? [];
      if (keys.length === 0 && tags.length === 0) return;
      // L1 at once (synchronously: a read right after a write sees it), then Redis, then L1 again: a
      // load that started between the first step and Redis's change could have read the old
      // generations there; the second step makes its result a miss.
      applyLocal(keys, tags);
      let broadcast: Promise<unknown> | undefined;
      if (l2 && source !== 'broadcast' && !opts.localOnly) {
        const invalidated = safely('invalidate', false, async (r) => (await r.invalidate(keys, tags), true));
        // NOTIFY and the event log reach every instance by themselves; only local writes need telling.
        // Sent in the same round trip as the script: one connection runs them in order, so no instance
        // hears of the write before Redis changed.
        if (source === 'write') {
          const message: Broadcast = { from: instance, at: opts.committedAt ?? now(), k: keys, t: tags };
          broadcast = safely('broadcast', undefined, (r) => r.publish(BROADCAST_CHANNEL, JSON.stringify(message)));
        }
        if (!(await invalidated)) l2Dirty = true;
        else await repairL2(); // an earlier failure without a reconnect (a timeout) is repaired here
        applyLocal(keys, tags);
      }
      rec.invalidation(source);
      if (opts.committedAt !== undefined) rec.invalidationLag(source, (now() - opts.committedAt) / 1000);
      await broadcast;
    },

    async warm(keys) {
      let list = keys ?? tracker.hottest(topN);
      if (!keys && list.length === 0) {
        const saved = await safely('warm', null, (r) => r.getString(HOT_KEYS));
        list = saved ? (JSON.parse(saved) as string[]) : [];
      }
      return warmer.run(list, (key, spec) => get(key, spec.loader, spec, false));
    },

    flushLocal() {
      l1.flush();
      flights.clear();
      rec.invalidation('flush');
      if (!closed) track(cache.warm());
    },

    stats(): CacheStats {
      return {
        redis: !l2 ? 'disabled' : l2.isReady ? 'ready' : 'down',
        ...rec.snapshot(),
        entries: { l1: l1.size },
        warming: warmer.status(),
      };
    },

    async close() {
      closed = true;
      clearInterval(snapshotTimer);
      await Promise.allSettled([...background]);
      await saveHotKeys();
      await l2?.close();
    },
  };

  async function saveHotKeys() {
    const hottest = tracker.hottest(topN);
    if (hottest.length > 0)
      await safely('warm', undefined, (r) => r.setString(HOT_KEYS, JSON.stringify(hottest), 86_400_000));
  }
  /** Invalidations that could not reach Redis (down, timed out): drop all of L2 once, when it answers. */
  async function repairL2() {
    if (!l2Dirty || !l2?.isReady) return;
    l2Dirty = false;
    if (!(await safely('invalidate', false, async (r) => (await r.bumpEpoch(), true)))) l2Dirty = true;
  }
  const snapshotTimer = setInterval(() => track(saveHotKeys()), options.warming?.snapshotIntervalMs ?? 60_000);
  snapshotTimer.unref();

  if (l2) {
    l2.onReconnect(() => track(repairL2()));
    // Not tracked: close() need not wait for a subscription that Redis being down holds up.
    void l2.subscribe(
      BROADCAST_CHANNEL,
      (raw) => {
        let message: Broadcast;
        try {
          message = JSON.parse(raw) as Broadcast;
        } catch {
          return rec.error('broadcast');
        }
        if (message.from === instance) return;
        track(cache.invalidate({ keys: message.k, tags: message.t }, 'broadcast', { committedAt: message.at }));
      },
      // Broadcasts sent while this connection was down are lost: forget what L1 holds.
      (first) => {
        if (!first || l1.size > 0) cache.flushLocal();
      },
    );
  }
  return cache;
}
