// The cache holds hashes, never plaintext, and both answers: a revoked key stops working within the TTL
// on every instance, and a new key works at once (its hash was never looked up).
import { LRUCache } from 'lru-cache';
import type { Queryable } from '../../store/db.ts';
import { unavailable } from '../../errors.ts';
import { findApiKey, hashKey, type ActiveKey } from './api-keys.ts';

export const API_KEY_CACHE_TTL_MS = 30_000;
/** api_keys.last_used_at is written at most this often per key and instance (one UPDATE, not per request). */
export const LAST_USED_RESOLUTION_MS = 60_000;

export interface CachedApiKeys {
  verify(plaintext: string): Promise<ActiveKey | undefined>;
}

export interface CachedApiKeysOptions {
  readonly ttlMs?: number;
  /** Bounds memory when many different (e.g. guessed) keys arrive. */
  readonly maxEntries?: number;
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
  const now = options.now ?? Date.now;
  const touched = new LRUCache<string, number>({ max: options.maxEntries ?? 10_000 });
  /** Records the use in the background: a failed write loses a timestamp, never a request. */
  const touch = (keyId: string) => {
    const last = touched.get(keyId);
    if (last !== undefined && now() - last < LAST_USED_RESOLUTION_MS) return;
    touched.set(keyId, now());
    db.query(
      `UPDATE api_keys SET last_used_at = now() WHERE key_id = $1
         AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [keyId],
    ).catch(() => touched.delete(keyId));
  };
  return {
    async verify(plaintext) {
      let found: ActiveKey | false | undefined;
      try {
        found = await cache.fetch(hashKey(plaintext));
      } catch (error) {
        throw unavailable('database', error);
      }
      if (found) touch(found.keyId);
      return found || undefined;
    },
  };
}
