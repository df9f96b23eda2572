// Every Redis call goes through `safely`: Redis trouble is counted, never thrown.
import type { CacheMetrics } from './cache-metrics.ts';
import { noCacheMetrics } from './cache-metrics.ts';
import { createStatsRecorder, type StatsRecorder } from './cache-stats.ts';
import { Flights } from './flights.ts';
import { createL1, type L1 } from './l1.ts';
import { createRedisL2, type RedisL2 } from './redis-l2.ts';

export interface CacheOptions {
  readonly prefix: string;
  readonly redisUrl?: string;
  readonly metrics?: CacheMetrics;
  readonly l1?: { readonly maxEntries?: number; readonly maxSizeBytes?: number };
  /** XFetch β (default 1): > 1 refreshes earlier, < 1 later. */
  readonly beta?: number;
  readonly random?: () => number;
  readonly now?: () => number;
  /** Default 2 s; loads slower than this may run twice. */
  readonly leaseMs?: number;
  readonly waitMs?: number;
  readonly pollMs?: number;
  /** Served past expiry while another reader recomputes (default 30 s). */
  readonly staleMs?: number;
  readonly commandTimeoutMs?: number;
  readonly warming?: {
    readonly concurrency?: number;
    readonly topN?: number;
    readonly trackedKeys?: number;
    readonly snapshotIntervalMs?: number;
  };
}

export interface CacheCore {
  readonly now: () => number;
  readonly random: () => number;
  readonly beta: number;
  readonly leaseMs: number;
  readonly waitMs: number;
  readonly pollMs: number;
  readonly staleMs: number;
  readonly rec: StatsRecorder;
  readonly l1: L1;
  readonly l2: RedisL2 | undefined;
  readonly flights: Flights;
  /** Keys whose Redis lease a load of this process holds or is asking for (one token per process). */
  readonly leasesHeld: KeyCounts;
  readonly background: Set<Promise<unknown>>;
  closed: boolean;
  safely<T>(operation: string, fallback: T, fn: (l2: RedisL2) => Promise<T>): Promise<T>;
  track(promise: Promise<unknown>): void;
}

export function createCacheCore(options: CacheOptions): CacheCore {
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseMs ?? 2000;
  const staleMs = options.staleMs ?? 30_000;
  const rec = createStatsRecorder(options.metrics ?? noCacheMetrics);
  const background = new Set<Promise<unknown>>();
  const l2: RedisL2 | undefined = options.redisUrl
    ? createRedisL2({
        url: options.redisUrl,
        prefix: options.prefix,
        ...(options.commandTimeoutMs ? { commandTimeoutMs: options.commandTimeoutMs } : {}),
      })
    : undefined;
  return {
    now,
    random: options.random ?? Math.random,
    beta: options.beta ?? 1,
    leaseMs,
    waitMs: options.waitMs ?? leaseMs,
    pollMs: options.pollMs ?? 20,
    staleMs,
    rec,
    l1: createL1({ ...options.l1, staleMs, now }),
    l2,
    flights: new Flights(),
    leasesHeld: new KeyCounts(),
    background,
    closed: false,
    async safely(operation, fallback, fn) {
      if (!l2) return fallback;
      try {
        return await fn(l2);
      } catch {
        rec.error(operation);
        return fallback;
      }
    },
    track(promise) {
      const p = promise.catch(() => rec.error('background')).finally(() => background.delete(p));
      background.add(p);
    },
  };
}

/** A multiset of keys: two loads of one process may both count a key (one asking, one holding). */
export class KeyCounts {
  readonly #counts = new Map<string, number>();

  has(key: string): boolean {
    return this.#counts.has(key);
  }

  add(key: string): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  drop(key: string): void {
    const n = (this.#counts.get(key) ?? 0) - 1;
    if (n > 0) this.#counts.set(key, n);
    else this.#counts.delete(key);
  }
}
