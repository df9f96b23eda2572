// A hot key expiring costs one origin load: single flight here, a Redis lease across instances.
import { randomUUID } from 'node:crypto';
import type { Cache, CacheStats } from './cache.ts';
import { createCacheCore, type CacheOptions } from './core.ts';
import { createInvalidator, subscribeToBroadcasts } from './invalidator.ts';
import { readThrough } from './read-through.ts';
import { createAccessTracker, createLoaderRegistry, createWarmer, type LoaderRegistry } from './warming.ts';

export type { CacheOptions } from './core.ts';

export interface LayeredCache extends Cache {
  readonly loaders: LoaderRegistry;
}

const HOT_KEYS = 'hot';

export function createLayeredCache(options: CacheOptions): LayeredCache {
  const topN = options.warming?.topN ?? 500;
  const instance = randomUUID();
  const core = createCacheCore(options);
  const { l1, l2, rec } = core;
  const tracker = createAccessTracker(options.warming?.trackedKeys);
  const loaders = createLoaderRegistry();
  const warmer = createWarmer(tracker, loaders, options.warming?.concurrency);
  const invalidator = createInvalidator(core, instance);

  const cache: LayeredCache = {
    loaders,
    async get(key, loader, getOptions) {
      tracker.record(key);
      return readThrough(core, key, loader, getOptions);
    },
    invalidate: invalidator.invalidate,

    async warm(keys) {
      let list = keys ?? tracker.hottest(topN);
      if (!keys && list.length === 0) {
        const saved = await core.safely('warm', null, (r) => r.getString(HOT_KEYS));
        list = saved ? (JSON.parse(saved) as string[]) : [];
      }
      // Warming is not an access: it does not make a key hotter.
      return warmer.run(list, (key, spec) => readThrough(core, key, spec.loader, spec));
    },

    flushLocal() {
      l1.flush();
      core.flights.clear();
      rec.invalidation('flush');
      if (!core.closed) core.track(cache.warm());
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
      core.closed = true;
      clearInterval(snapshotTimer);
      await Promise.allSettled([...core.background]);
      await saveHotKeys();
      await l2?.close();
    },
  };

  async function saveHotKeys() {
    const hottest = tracker.hottest(topN);
    if (hottest.length > 0)
      await core.safely('warm', undefined, (r) => r.setString(HOT_KEYS, JSON.stringify(hottest), 86_400_000));
  }
  const snapshotTimer = setInterval(() => core.track(saveHotKeys()), options.warming?.snapshotIntervalMs ?? 60_000);
  snapshotTimer.unref();

  l2?.onReconnect(() => core.track(invalidator.repairL2()));
  // Broadcasts sent while this connection was down are lost: forget what L1 holds.
  subscribeToBroadcasts(core, instance, invalidator.invalidate, () => cache.flushLocal());
  return cache;
}
