// The cache module's facade. Wiring (compose.ts), in this order:
//
//   const cache = createCache({ prefix: `bss:${env}:`, redisUrl: config.redisUrl, registry });
//   for (const family of CACHE_FAMILIES)                       // warming needs a loader per family
//     cache.loaders.register(family, (key) => {
//       const id = idOfEntityKey(key);
//       return id === undefined ? undefined
//         : { ttlMs: 30_000, tags: entityEntry(family, id).tags, loader: () => getRow(db, family, id) };
//     });
//   attachWritePathInvalidation(bus, cache);                   // this instance's commits, at once
//   const notify = await startNotifyListener({ db, cache });   // every write, also manual SQL (both Db kinds)
//   await startConsumer({ log, codec, topic: EVENTS_TOPIC, logger, from: 'latest',
//     group: `cache-${instanceId}`,                            // one group per instance: each sees every event
//     handler: createCacheInvalidationHandler(cache) });
//   void cache.warm();                                         // the hottest keys saved by earlier instances
//   ...on shutdown: await notify.stop(); await cache.close();
//
// Readers: `const { key, tags } = entityEntry('customer', id)` (or listEntry for pages), then
// `cache.get(key, () => getRow(...), { ttlMs, tags })`: every invalidation source names the same keys
// and tags only if readers build them with keys.ts. Admin routes: `cache.stats()`, `cache.warm(keys?)`,
// `cache.invalidate({ keys, tags }, 'write')`, `cache.flushLocal()`.
import type { Registry } from 'prom-client';
import { createCacheMetrics } from './cache-metrics.ts';
import { createLayeredCache, type CacheOptions, type LayeredCache } from './layered-cache.ts';

export type * from './cache.ts';
export type { CacheOptions, LayeredCache } from './layered-cache.ts';
export { createCacheMetrics, noCacheMetrics, type CacheMetrics } from './cache-metrics.ts';
export * from './keys.ts';
export {
  attachWritePathInvalidation,
  invalidationsFor,
  invalidationsForGroup,
  eventInvalidations,
  type CommitSource,
} from './write-path.ts';
export {
  startNotifyListener,
  notifyInvalidations,
  CACHE_NOTIFY_CHANNEL,
  type NotifyListener,
} from './notify-listener.ts';
export { createCacheInvalidationHandler } from './event-invalidation.ts';
export type { KeyResolver, LoaderRegistry, WarmSpec } from './warming.ts';

export interface CreateCacheOptions extends Omit<CacheOptions, 'metrics'> {
  /** prom-client registry for the bss_cache_* metrics; none = not exported. */
  readonly registry?: Registry;
}

/** L1 only without redisUrl (embedded mode); L1 + Redis with it. */
export function createCache(options: CreateCacheOptions): LayeredCache {
  const { registry, ...rest } = options;
  return createLayeredCache({ ...rest, ...(registry ? { metrics: createCacheMetrics(registry) } : {}) });
}
