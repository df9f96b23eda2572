// The cache module's facade. Wiring (compose.ts), in this order:
//
//   const cache = createCache({ prefix: `bss:${env}:`, redisUrl: config.redisUrl, registry });
//   cache.loaders.register('customer', (key) => ({            // one per family, for warming
//     loader: () => getRow(db, 'customer', idOfKey(key)), ttlMs: 30_000, tags: entityEntry('customer', idOfKey(key)).tags,
//   }));
//   attachWritePathInvalidation(bus, cache);                   // this instance's commits, at once
//   const notify = await startNotifyListener({ db, cache });   // PostgreSQL mode: every write, also manual SQL
//   startConsumer({ ..., group: `cache-${instanceId}`, from: 'latest',
//                   handler: createCacheInvalidationHandler(cache) });  // the log, on every instance
//   void cache.warm();                                         // hottest keys saved by earlier instances
//   ...on shutdown: await notify.stop(); await cache.close();
//
// Readers: `cache.get(entry.key, loader, { ttlMs, tags: entry.tags })` with `entry` from keys.ts
// (entityEntry / listEntry) so every invalidation source names the same keys and tags.
import type { Registry } from 'prom-client';
import { createCacheMetrics } from './cache-metrics.ts';
import { createLayeredCache, type CacheOptions, type LayeredCache } from './layered-cache.ts';

export type * from './cache.ts';
export type { CacheOptions, LayeredCache } from './layered-cache.ts';
export { createCacheMetrics, noCacheMetrics, type CacheMetrics } from './cache-metrics.ts';
export * from './keys.ts';
export { attachWritePathInvalidation, invalidationsFor, eventInvalidations, type CommitSource } from './write-path.ts';
export {
  startNotifyListener,
  notifyInvalidations,
  CACHE_NOTIFY_CHANNEL,
  type NotifyListener,
} from './notify-listener.ts';
export { createCacheInvalidationHandler } from './event-invalidation.ts';
export type { KeyResolver, LoaderRegistry, WarmSpec, WarmingStatus } from './warming.ts';

export interface CreateCacheOptions extends Omit<CacheOptions, 'metrics'> {
  /** prom-client registry for the bss_cache_* metrics; none = not exported. */
  readonly registry?: Registry;
}

/** L1 only without redisUrl (embedded mode); L1 + Redis with it. */
export function createCache(options: CreateCacheOptions): LayeredCache {
  const { registry, ...rest } = options;
  return createLayeredCache({ ...rest, ...(registry ? { metrics: createCacheMetrics(registry) } : {}) });
}
