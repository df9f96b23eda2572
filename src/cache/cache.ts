// The Cache port. Readers call get(key, loader, {ttlMs, tags}); writers call invalidate. Values must be
// JSON-serialisable and are shared between callers: treat what get() returns as immutable.

export interface GetOptions {
  /** Freshness: after ttlMs the value is recomputed (earlier, probabilistically: XFetch). */
  readonly ttlMs: number;
  /** Groups the entry belongs to; invalidating a tag drops every entry that carries it. */
  readonly tags?: readonly string[];
}

export type Loader<T> = () => Promise<T>;

export interface InvalidationTarget {
  readonly keys?: readonly string[];
  readonly tags?: readonly string[];
}

/**
 * Where an invalidation came from. write = this instance's command bus; notify = PostgreSQL NOTIFY;
 * event = the event log; broadcast = another instance (Redis pub/sub); flush = L1 dropped whole
 * (reconnect after missed messages).
 */
export type InvalidationSource = 'write' | 'notify' | 'event' | 'broadcast' | 'flush';

export interface InvalidateOptions {
  /** When the change committed (ms since epoch), for the invalidation-lag histogram. */
  readonly committedAt?: number;
  /**
   * Only this instance's L1: for sources that every instance runs and whose Redis part another
   * source already did (each extra INCR of a generation turns a just-reloaded entry into a miss).
   */
  readonly localOnly?: boolean;
}

export interface LevelStats {
  readonly hits: number;
  readonly misses: number;
  /** hits / (hits + misses); 0 before the first request. */
  readonly hitRatio: number;
}

export interface CacheStats {
  readonly redis: 'disabled' | 'ready' | 'down';
  readonly levels: { readonly l1: LevelStats; readonly l2: LevelStats };
  /** Per key family (customer, balance, ...). */
  readonly caches: Readonly<
    Record<string, { readonly l1: LevelStats; readonly l2: LevelStats; readonly loads: number }>
  >;
  readonly entries: { readonly l1: number };
  readonly loads: number;
  readonly invalidations: Readonly<Record<InvalidationSource, number>>;
  readonly errors: Readonly<Record<string, number>>;
  readonly warming: WarmingStatus;
}

export interface WarmResult {
  readonly loaded: number;
  readonly failed: number;
  /** Keys no registered loader knows. */
  readonly skipped: number;
}

export interface WarmingStatus {
  readonly state: 'idle' | 'running';
  readonly runs: number;
  readonly trackedKeys: number;
  readonly last?: WarmResult & { readonly startedAt: string; readonly durationMs: number };
}

export interface Cache {
  get<T>(key: string, loader: Loader<T>, options: GetOptions): Promise<T>;
  /** Never throws: a Redis failure is counted and the local part still applies. */
  invalidate(target: InvalidationTarget, source: InvalidationSource, options?: InvalidateOptions): Promise<void>;
  /** Loads keys through the registered loaders; without keys, the hottest ones this cache knows of. */
  warm(keys?: readonly string[]): Promise<WarmResult>;
  /** Drops every L1 entry of this instance (source flush), then warms the hottest keys. */
  flushLocal(): void;
  stats(): CacheStats;
  close(): Promise<void>;
}
