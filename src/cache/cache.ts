// The Cache port. Values are shared between callers: treat what get() returns as immutable.

export interface GetOptions {
  /** Recomputed after ttlMs (earlier, probabilistically: XFetch). */
  readonly ttlMs: number;
  readonly tags?: readonly string[];
}

export type Loader<T> = () => Promise<T>;

export interface InvalidationTarget {
  readonly keys?: readonly string[];
  readonly tags?: readonly string[];
}

export type InvalidationSource = 'write' | 'notify' | 'event' | 'broadcast' | 'flush';

export interface InvalidateOptions {
  readonly committedAt?: number;
  /** Only this L1: another source did Redis (each extra INCR turns a just-reloaded entry into a miss). */
  readonly localOnly?: boolean;
}

export interface LevelStats {
  readonly hits: number;
  readonly misses: number;
  readonly hitRatio: number;
}

export interface CacheStats {
  readonly redis: 'disabled' | 'ready' | 'down';
  readonly levels: { readonly l1: LevelStats; readonly l2: LevelStats };
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
  /** Without keys, the hottest ones this cache knows of. */
  warm(keys?: readonly string[]): Promise<WarmResult>;
  flushLocal(): void;
  stats(): CacheStats;
  close(): Promise<void>;
}
