// The database port. Two adapters share every SQL statement: embedded PGlite and a PostgreSQL server (pg).

export interface QueryResult<T> {
  readonly rows: T[];
  readonly rowCount: number;
}

/** Anything that runs SQL: the database itself or an open transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
}

export interface ListenOptions {
  /**
   * Called after the listening connection was lost and LISTEN is in place again: notifications sent
   * in between were missed (caches flush). PGlite runs in process and never loses it.
   */
  readonly onReconnect?: () => void;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs several statements separated by semicolons (migrations). No parameters. */
  exec(sql: string): Promise<void>;
  /**
   * Subscribes to NOTIFY on a channel; resolves to an unsubscribe function. A lost connection is
   * re-established (and LISTEN repeated) until unsubscribed.
   */
  listen(channel: string, onPayload: (payload: string) => void, options?: ListenOptions): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
