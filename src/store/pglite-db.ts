import { PGlite } from '@electric-sql/pglite';
import type { Db, QueryResult, Queryable } from './db.ts';
import { committingOnce } from './transaction.ts';

function wrap(target: Pick<PGlite, 'query'>): Queryable {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      const result = await target.query<T>(sql, params as unknown[]);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
  };
}

export async function createPgliteDb(dataDir: string | undefined): Promise<Db> {
  const pg = await PGlite.create(dataDir);
  const root = wrap(pg);
  return {
    kind: 'pglite',
    query: root.query,
    asyncCommit: root,
    // PGlite commits when the function returns: commit() only ends what the transaction may still send.
    transaction: (fn) => pg.transaction((tx) => fn(committingOnce(wrap(tx).query, () => Promise.resolve()))),
    async exec(sql) {
      await pg.exec(sql);
    },
    async listen(channel, onPayload) {
      const unsubscribe = await pg.listen(channel, onPayload);
      return () => unsubscribe();
    },
    close: () => pg.close(),
  };
}
