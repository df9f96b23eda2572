import { Counter, Histogram, type Registry } from 'prom-client';
import type { InvalidationSource } from './cache.ts';

export type CacheLevel = 'l1' | 'l2';

export interface CacheMetrics {
  request(cache: string, level: CacheLevel, result: 'hit' | 'miss'): void;
  load(cache: string): void;
  invalidation(source: InvalidationSource): void;
  invalidationLag(source: InvalidationSource, seconds: number): void;
  error(operation: string): void;
}

export const noCacheMetrics: CacheMetrics = {
  request: () => {},
  load: () => {},
  invalidation: () => {},
  invalidationLag: () => {},
  error: () => {},
};

export function createCacheMetrics(registry: Registry): CacheMetrics {
  const requests = new Counter({
    name: 'bss_cache_requests_total',
    help: 'Cache lookups by key family (cache), level (l1 in process, l2 Redis) and result',
    labelNames: ['cache', 'level', 'result'] as const,
    registers: [registry],
  });
  const loads = new Counter({
    name: 'bss_cache_loads_total',
    help: 'Loads from the origin (the loader ran), by key family',
    labelNames: ['cache'] as const,
    registers: [registry],
  });
  const invalidations = new Counter({
    name: 'bss_cache_invalidations_total',
    help: 'Invalidations applied, by source (write, notify, event, broadcast, flush)',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'bss_cache_invalidation_lag_seconds',
    help: 'Time from a change committing to its cache invalidation being applied on this instance',
    labelNames: ['source'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'bss_cache_errors_total',
    help: 'Cache operations that failed (mostly Redis unavailable); the cache kept serving',
    labelNames: ['operation'] as const,
    registers: [registry],
  });
  return {
    request: (cache, level, result) => requests.inc({ cache, level, result }),
    load: (cache) => loads.inc({ cache }),
    invalidation: (source) => invalidations.inc({ source }),
    invalidationLag: (source, seconds) => lag.observe({ source }, Math.max(0, seconds)),
    error: (operation) => errors.inc({ operation }),
  };
}
