// Access counts live in an LRU halved now and then (TinyLFU-like) so old hot keys fade; warming loads a
// few at a time so it never floods the database. Loaders are registered: warming has no caller.
import { LRUCache } from 'lru-cache';
import { familyOfKey } from './keys.ts';
import type { GetOptions, Loader, WarmResult, WarmingStatus } from './cache.ts';

export interface WarmSpec extends GetOptions {
  readonly loader: Loader<unknown>;
}

export type KeyResolver = (key: string) => WarmSpec | undefined;

export interface LoaderRegistry {
  register(family: string, resolve: KeyResolver): void;
  resolve(key: string): WarmSpec | undefined;
}

export function createLoaderRegistry(): LoaderRegistry {
  const resolvers = new Map<string, KeyResolver>();
  return {
    register: (family, resolve) => void resolvers.set(family, resolve),
    resolve: (key) => resolvers.get(familyOfKey(key))?.(key),
  };
}

export interface AccessTracker {
  record(key: string): void;
  hottest(n: number): string[];
  readonly size: number;
}

export function createAccessTracker(maxKeys = 10_000): AccessTracker {
  const counts = new LRUCache<string, number>({ max: maxKeys });
  const agingEvery = maxKeys * 10;
  let sinceAging = 0;
  return {
    record(key) {
      counts.set(key, (counts.get(key, { updateAgeOnGet: false }) ?? 0) + 1);
      if (++sinceAging < agingEvery) return;
      sinceAging = 0;
      for (const [k, n] of counts.entries()) {
        if (n <= 1) counts.delete(k);
        else counts.set(k, n >> 1, { noUpdateTTL: true });
      }
    },
    hottest(n) {
      return [...counts.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([k]) => k);
    },
    get size() {
      return counts.size;
    },
  };
}

export interface Warmer {
  run(keys: readonly string[], get: (key: string, spec: WarmSpec) => Promise<unknown>): Promise<WarmResult>;
  status(): WarmingStatus;
}

export function createWarmer(tracker: AccessTracker, registry: LoaderRegistry, concurrency = 8): Warmer {
  let running = 0;
  let runs = 0;
  let last: WarmingStatus['last'];
  return {
    async run(keys, get) {
      running += 1;
      const started = Date.now();
      let loaded = 0;
      let failed = 0;
      let skipped = 0;
      const queue = [...new Set(keys)];
      const worker = async () => {
        for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
          const spec = registry.resolve(key);
          if (!spec) {
            skipped += 1;
            continue;
          }
          try {
            await get(key, spec);
            loaded += 1;
          } catch {
            failed += 1;
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
      } finally {
        running -= 1;
        runs += 1;
        last = {
          loaded,
          failed,
          skipped,
          startedAt: new Date(started).toISOString(),
          durationMs: Date.now() - started,
        };
      }
      return { loaded, failed, skipped };
    },
    status: () => ({
      state: running > 0 ? 'running' : 'idle',
      runs,
      trackedKeys: tracker.size,
      ...(last ? { last } : {}),
    }),
  };
}
