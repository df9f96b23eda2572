// The database port; PGlite and pg adapters share every SQL statement.

export interface QueryResult<T> {
  readonly rows: T[];
  readonly rowCount: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
}

/** A transaction's connection. */
export interface Transaction extends Queryable {
  /**
   * Sends COMMIT behind the statements already sent, without waiting for their answers: one round trip fewer.
   * PostgreSQL commits only if none of them failed, so a check of their results belongs in SQL, not in
   * JavaScript that runs after; a statement after it is refused. Resolves once committed. PGlite commits when
   * the transaction's function returns, as without it.
   */
  commit(): Promise<void>;
}

export interface ListenOptions {
  /** After LISTEN was lost and restored: notifications in between were missed (caches flush). */
  readonly onReconnect?: () => void;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Single statements whose commit does not wait for the WAL flush (PostgreSQL's asynchronous commit): for
   * writes whose loss in a database crash costs a retry, never an acknowledged write (idempotency claims and
   * outcomes). Any later synchronous commit flushes them too. PGlite: `query`.
   */
  readonly asyncCommit: Queryable;
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** A lost connection is re-established and LISTEN repeated until unsubscribed. */
  listen(channel: string, onPayload: (payload: string) => void, options?: ListenOptions): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
