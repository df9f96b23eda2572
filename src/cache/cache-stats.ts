// Plain counters so stats() answers without scraping prom-client.
import type { CacheStats, InvalidationSource, LevelStats } from './cache.ts';
import type { CacheLevel, CacheMetrics } from './cache-metrics.ts';

interface Counts {
  hits: number;
  misses: number;
}

const ratio = (c: Counts): LevelStats => ({
  hits: c.hits,
  misses: c.misses,
  hitRatio: c.hits + c.misses === 0 ? 0 : c.hits / (c.hits + c.misses),
});

export interface StatsRecorder extends CacheMetrics {
  snapshot(): Pick<CacheStats, 'levels' | 'caches' | 'loads' | 'invalidations' | 'errors'>;
}

export function createStatsRecorder(metrics: CacheMetrics): StatsRecorder {
  const levels: Record<CacheLevel, Counts> = { l1: { hits: 0, misses: 0 }, l2: { hits: 0, misses: 0 } };
  const caches = new Map<string, { l1: Counts; l2: Counts; loads: number }>();
  const invalidations: Record<InvalidationSource, number> = { write: 0, notify: 0, event: 0, broadcast: 0, flush: 0 };
  const errors: Record<string, number> = {};
  let loads = 0;
  const family = (cache: string) => {
    let c = caches.get(cache);
    if (!c) caches.set(cache, (c = { l1: { hits: 0, misses: 0 }, l2: { hits: 0, misses: 0 }, loads: 0 }));
    return c;
  };
  return {
    request(cache, level, result) {
      metrics.request(cache, level, result);
      const key = result === 'hit' ? 'hits' : 'misses';
      levels[level][key] += 1;
      family(cache)[level][key] += 1;
    },
    load(cache) {
      metrics.load(cache);
      loads += 1;
      family(cache).loads += 1;
    },
    invalidation(source) {
      metrics.invalidation(source);
      invalidations[source] += 1;
    },
    invalidationLag: (source, seconds) => metrics.invalidationLag(source, seconds),
    error(operation) {
      metrics.error(operation);
      errors[operation] = (errors[operation] ?? 0) + 1;
    },
    snapshot: () => ({
      levels: { l1: ratio(levels.l1), l2: ratio(levels.l2) },
      caches: Object.fromEntries(
        [...caches].map(([name, c]) => [name, { l1: ratio(c.l1), l2: ratio(c.l2), loads: c.loads }]),
      ),
      loads,
      invalidations: { ...invalidations },
      errors: { ...errors },
    }),
  };
}
