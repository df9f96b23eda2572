// Entries remember the logical tick their load started at and are valid while no generation they depend on
// is newer, so an invalidation during a load is never undone; evicted generations fold into `floor`.
import { LRUCache } from 'lru-cache';

export interface L1Entry {
  readonly value: unknown;
  readonly deltaMs: number;
  readonly expiry: number;
  readonly tags: readonly string[];
  readonly tick: number;
}

export interface L1Options {
  readonly maxEntries?: number;
  /** Off by default: sizing costs a stringify. */
  readonly maxSizeBytes?: number;
  readonly staleMs?: number;
  readonly maxGenerations?: number;
  readonly now?: () => number;
}

export interface L1 {
  /** Take it before loading, pass it to set. */
  tick(): number;
  get(key: string, tags: readonly string[]): L1Entry | undefined;
  set(key: string, entry: L1Entry): void;
  invalidate(keys: readonly string[], tags: readonly string[]): void;
  flush(): void;
  readonly size: number;
}

const keyGen = (key: string) => `\u0000key:${key}`;

export function createL1(options: L1Options = {}): L1 {
  const now = options.now ?? Date.now;
  const staleMs = options.staleMs ?? 30_000;
  let clock = 0;
  let floor = 0;
  const generations = new LRUCache<string, number>({
    max: options.maxGenerations ?? 100_000,
    dispose: (gen, _tag, reason) => {
      if (reason === 'evict') floor = Math.max(floor, gen);
    },
  });
  const entries = new LRUCache<string, L1Entry>({
    max: options.maxEntries ?? 10_000,
    ...(options.maxSizeBytes
      ? { maxSize: options.maxSizeBytes, sizeCalculation: (e: L1Entry) => JSON.stringify(e.value ?? null).length + 64 }
      : {}),
  });
  const genOf = (name: string) => generations.get(name, { updateAgeOnGet: false }) ?? floor;
  const current = (key: string, tags: readonly string[], tick: number) =>
    tick >= floor && genOf(keyGen(key)) <= tick && tags.every((tag) => genOf(tag) <= tick);

  return {
    tick: () => clock,
    get(key, tags) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      const valid = current(key, tags, entry.tick);
      const sameTags = entry.tags.length === tags.length && entry.tags.every((t, i) => t === tags[i]);
      if (valid && sameTags) return entry;
      entries.delete(key);
      return undefined;
    },
    set(key, entry) {
      // A load that an invalidation overtook must not replace (or become) the entry.
      if (!current(key, entry.tags, entry.tick)) return;
      entries.set(key, entry, { ttl: Math.max(1, entry.expiry - now() + staleMs) });
    },
    invalidate(keys, tags) {
      clock += 1;
      for (const key of keys) {
        generations.set(keyGen(key), clock);
        entries.delete(key);
      }
      for (const tag of tags) generations.set(tag, clock);
    },
    flush() {
      clock += 1;
      floor = clock;
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
