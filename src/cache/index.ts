// Readers build keys and tags with keys.ts only, so every invalidation source names the same ones.
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
  readonly registry?: Registry;
}

export function createCache(options: CreateCacheOptions): LayeredCache {
  const { registry, ...rest } = options;
  return createLayeredCache({ ...rest, ...(registry ? { metrics: createCacheMetrics(registry) } : {}) });
}
