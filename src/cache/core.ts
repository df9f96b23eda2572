// What the parts of the layered cache share: its settings, the stats recorder, L1, the optional Redis
// L2 (every call through `safely`: Redis trouble is counted, never thrown), the single flights and the
// background work close() waits for.
import type { CacheMetrics } from './cache-metrics.ts';
import { noCacheMetrics } from './cache-metrics.ts';
import { createStatsRecorder, type StatsRecorder } from './cache-stats.ts';
import { Flights } from './flights.ts';
import { createL1, type L1 } from './l1.ts';
import { createRedisL2, type RedisL2 } from './redis-l2.ts';

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
  /** Background work (early refreshes, repairs, snapshots) close() waits for. */
  readonly background: Set<Promise<unknown>>;
  /** Set by close(): no new background work. */
  closed: boolean;
  /** Runs a Redis operation; a failure is counted and becomes `fallback`. */
  safely<T>(operation: string, fallback: T, fn: (l2: RedisL2) => Promise<T>): Promise<T>;
  /** Runs in the background; a failure is counted as a `background` error. */
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
