// API key verification with a small in-process cache, so a hot path does not query the database on
// every request. The cache holds hashes, never plaintext. Both answers are cached, "active with this
// role" and "unknown or revoked", for API_KEY_CACHE_TTL_MS: a revoked key therefore stops working
// within that time on every instance, and a new key works at once (its hash was never looked up).
// Concurrent requests with the same key share one lookup.
import { LRUCache } from 'lru-cache';
import type { Queryable } from '../../store/db.ts';
import { unavailable } from '../../errors.ts';
import { findApiKey, hashKey, type ActiveKey } from './api-keys.ts';

export const API_KEY_CACHE_TTL_MS = 30_000;

export interface CachedApiKeys {
  /** The active key for this plaintext, or undefined when it is unknown or revoked. */
  verify(plaintext: string): Promise<ActiveKey | undefined>;
}

export interface CachedApiKeysOptions {
  readonly ttlMs?: number;
  /** Bounds memory when many different (e.g. guessed) keys arrive. */
  readonly maxEntries?: number;
  /** Milliseconds clock, for tests. */
  readonly now?: () => number;
}

export function createCachedApiKeys(db: Queryable, options: CachedApiKeysOptions = {}): CachedApiKeys {
  const cache = new LRUCache<string, ActiveKey | false>({
    max: options.maxEntries ?? 10_000,
    ttl: options.ttlMs ?? API_KEY_CACHE_TTL_MS,
    // A test clock is read on every check (no 1 ms memo of the time).
    ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
    fetchMethod: async (hash) => (await findApiKey(db, hash)) ?? false,
  });
  return {
    async verify(plaintext) {
      let found: ActiveKey | false | undefined;
      try {
        found = await cache.fetch(hashKey(plaintext));
      } catch (error) {
        throw unavailable('database', error);
      }
      return found || undefined;
    },
  };
}
