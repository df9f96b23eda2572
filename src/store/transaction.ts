// The port's Transaction over an adapter's query and its way of sending COMMIT: COMMIT goes out once, and a
// statement after it is refused, on every adapter alike.
import type { Queryable, Transaction } from './db.ts';

export function committingOnce(query: Queryable['query'], sendCommit: () => Promise<void>): Transaction {
  let committed: Promise<void> | undefined;
  return {
    query<T>(sql: string, params?: readonly unknown[]) {
      return committed ? Promise.reject(new Error(`a statement after COMMIT: ${sql}`)) : query<T>(sql, params);
    },
    commit: () => (committed ??= sendCommit()),
  };
}
