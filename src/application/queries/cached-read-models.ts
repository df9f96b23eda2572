// Cached as {state, version}, so an ETag from a cached read is the row's version; misses are cached too.
import type { Cache } from '../../cache/index.ts';
import { CACHE_FAMILIES, cachedById, entityEntry, idOfEntityKey, type CacheFamily } from '../../cache/index.ts';
import type { LoaderRegistry } from '../../cache/index.ts';
import type { Queryable } from '../../store/db.ts';
import type { ReadModelKind } from '../read-model/tables.ts';
import { getRow, type Row } from './read-model-queries.ts';

/** Invalidation keeps entries correct; the TTL only bounds a missed one. Money gets the shortest. */
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
