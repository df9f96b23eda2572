// Reads of one read-model row by id through the cache (L1, then Redis, then the database). The cached
// value is the {state, version} pair, so an ETag built from a cached read is still the row's version.
// Misses (no such row) are cached too: creating the row invalidates its key like any other write.
// Without a cache (tests, tools) every read goes to the database.
import type { Cache } from '../../cache/index.ts';
import { CACHE_FAMILIES, cachedById, entityEntry, idOfEntityKey, type CacheFamily } from '../../cache/index.ts';
import type { LoaderRegistry } from '../../cache/index.ts';
import type { Queryable } from '../../store/db.ts';
import type { ReadModelKind } from '../read-model/tables.ts';
import { getRow, type Row } from './read-model-queries.ts';

/**
 * How long an entry is fresh. Invalidation (write path, events, NOTIFY) keeps entries correct; the TTL
 * only bounds how long a missed invalidation (a lost broadcast during a Redis outage) can show. Money
 * (balances) gets the shortest bound; issued invoices change rarely.
 */
export const READ_TTL_MS: Readonly<Record<CacheFamily, number>> = {
  customer: 60_000,
  order: 60_000,
  subscription: 60_000,
  usage: 30_000,
  invoice: 300_000,
  payment: 60_000,
  balance: 15_000,
};

export interface ReadModels {
  /** One row by id; undefined when there is none. */
  get<S>(kind: ReadModelKind, id: string): Promise<Row<S> | undefined>;
}

export function uncachedReadModels(db: Queryable): ReadModels {
  return { get: (kind, id) => getRow(db, kind, id) };
}

/** JSON has no undefined: a missing row is cached as null. */
const load = async (db: Queryable, kind: ReadModelKind, id: string) => (await getRow(db, kind, id)) ?? null;

export function cachedReadModels(db: Queryable, cache: Cache): ReadModels {
  return {
    async get<S>(kind: ReadModelKind, id: string) {
      // A family whose writes invalidate no per-id key must not be cached by id.
      if (!cachedById(kind)) return getRow<S>(db, kind, id);
      const { key, tags } = entityEntry(kind, id);
      const row = await cache.get(key, () => load(db, kind, id), { ttlMs: READ_TTL_MS[kind], tags });
      return (row ?? undefined) as Row<S> | undefined;
    },
  };
}

/** Warming has no caller to hand it a loader: one resolver per family, building the readers' entries. */
export function registerReadModelLoaders(loaders: LoaderRegistry, db: Queryable): void {
  for (const family of CACHE_FAMILIES.filter(cachedById)) {
    loaders.register(family, (key) => {
      const id = idOfEntityKey(key);
      if (id === undefined) return undefined;
      const { tags } = entityEntry(family, id);
      return { ttlMs: READ_TTL_MS[family], tags, loader: () => load(db, family, id) };
    });
  }
}
