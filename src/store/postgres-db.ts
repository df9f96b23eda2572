// PostgreSQL server adapter over a pg connection pool.
import pg from 'pg';
import type { Db, QueryResult, Queryable } from './db.ts';

export interface PostgresOptions {
  readonly url: string;
  /** Every connection's search_path; tests use a fresh schema each so runs never collide. */
  readonly schema?: string;
  readonly maxConnections?: number;
}

function wrap(target: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      const result = await target.query(sql, params as unknown[]);
      return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
    },
  };
}

export async function createPostgresDb(options: PostgresOptions): Promise<Db> {
  const connection = {
    connectionString: options.url,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  };
  if (options.schema) {
    // The schema must exist before connections that name it in search_path do anything useful.
    const setup = new pg.Client({ connectionString: options.url });
    await setup.connect();
    try {
      await setup.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema.replaceAll('"', '')}"`);
    } finally {
      await setup.end();
    }
  }
  const pool = new pg.Pool({ ...connection, max: options.maxConnections ?? 20 });
  // An idle client losing its server connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const root = wrap(pool);
  await root.query('SELECT 1');
  const listeners = new Set<pg.Client>();

  return {
    kind: 'postgres',
    query: root.query,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async listen(channel, onPayload) {
      // LISTEN needs its own long-lived connection, outside the pool.
      const client = new pg.Client(connection);
      client.on('error', () => {});
      await client.connect();
      client.on('notification', (message) => {
        if (message.channel === channel) onPayload(message.payload ?? '');
      });
      await client.query(`LISTEN "${channel.replaceAll('"', '')}"`);
      listeners.add(client);
      return async () => {
        listeners.delete(client);
        await client.end().catch(() => {});
      };
    },
    async close() {
      await Promise.all([...listeners].map((client) => client.end().catch(() => {})));
      listeners.clear();
      await pool.end();
    },
  };
}
