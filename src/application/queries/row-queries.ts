import type { Queryable } from '../../store/db.ts';
import { notFound } from '../../errors.ts';
import type { ReadModelKind } from '../read-model/tables.ts';
import type { ReadModels } from './cached-read-models.ts';
import { getRow, listRows, type ListFilter, type Page, type Row } from './read-model-queries.ts';

export interface ListQueries<S> {
  list(filter: ListFilter): Promise<Page<S>>;
}

export interface RowQueries<S> extends ListQueries<S> {
  get(id: string): Promise<Row<S>>;
  /** From the database: a write answers with what it wrote, not the cache. */
  committed(id: string): Promise<Row<S>>;
}

export const listQueries = <S>(kind: ReadModelKind, db: Queryable): ListQueries<S> => ({
  list: (filter) => listRows<S>(db, kind, filter),
});

export function rowQueries<S>(kind: ReadModelKind, db: Queryable, reads: ReadModels): RowQueries<S> {
  const found = (row: Row<S> | undefined, id: string): Row<S> => {
    if (!row) throw notFound(kind, id);
    return row;
  };
  return {
    ...listQueries<S>(kind, db),
    get: async (id) => found(await reads.get<S>(kind, id), id),
    committed: async (id) => found(await getRow<S>(db, kind, id), id),
  };
}
