import { PGlite } from '@electric-sql/pglite';
import type { Db, QueryResult, Queryable, Transaction } from './db.ts';

function wrap(target: Pick<PGlite, 'query'>): Queryable {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      const result = await target.query<T>(sql, params as unknown[]);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
  };
}

/** PGlite commits when the transaction's function returns; commit() keeps the port's contract (nothing after it). */
function committingAtReturn(tx: Queryable): Transaction {
  let committed = false;
  return {
    query<T>(sql: string, params?: readonly unknown[]) {
      return committed ? Promise.reject(new Error(`a statement after COMMIT: ${sql}`)) : tx.query<T>(sql, params);
    },
    commit() {
      committed = true;
      return Promise.resolve();
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
    transaction: (fn) => pg.transaction((tx) => fn(committingAtReturn(wrap(tx)))),
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
