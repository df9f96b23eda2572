import type { Socket } from 'node:net';
import pg from 'pg';
import type { Db, QueryResult, Queryable, Transaction } from './db.ts';
import { storeError } from './connection-errors.ts';
import { allInOrder } from './all-in-order.ts';
import { committingOnce } from './transaction.ts';
import { createStatementNamer, type StatementNamer } from './prepared-statements.ts';

export interface PostgresOptions {
  readonly url: string;
  readonly schema?: string;
  readonly maxConnections?: number;
  readonly connectTimeoutMs?: number;
}

function wrap(target: pg.Pool | pg.PoolClient, nameOf: StatementNamer, beforeQuery?: () => void): Queryable {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      beforeQuery?.();
      // Without parameters pg sends the simple protocol (BEGIN, COMMIT): nothing to prepare.
      const name = params.length > 0 ? nameOf(sql) : undefined;
      const config = name === undefined ? sql : { name, text: sql };
      const result = await target.query(config, params as unknown[]).catch((error: unknown) => {
        throw storeError(error);
      });
      return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
    },
  };
}

/** Claims and outcomes are batched two at a time each (idempotency-store.ts). */
const ASYNC_COMMIT_CONNECTIONS = 4;

export async function createPostgresDb(options: PostgresOptions): Promise<Db> {
  const connection: pg.ClientConfig = {
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    keepAlive: true,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  };
  if (options.schema) await ensureSchema(options.url, options.schema);
  // Pipeline mode: a transaction's independent statements go out together instead of one round trip each.
  const pool = new pg.Pool({ ...connection, max: options.maxConnections ?? 20, pipeline: true });
  // An idle client losing its server connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // Its own few connections, each set to asynchronous commit (Db.asyncCommit).
  const asyncPool = new pg.Pool({
    ...connection,
    options: [connection.options, '-c synchronous_commit=off'].filter(Boolean).join(' '),
    max: ASYNC_COMMIT_CONNECTIONS,
    pipeline: true,
  });
  asyncPool.on('error', () => {});
  const nameOf = createStatementNamer();
  const root = wrap(pool, nameOf);
  await root.query('SELECT 1');
  const listeners = new Set<pg.Client>();
  const stops = new Set<() => void>();

  return {
    kind: 'postgres',
    query: root.query,
    asyncCommit: wrap(asyncPool, nameOf),
    transaction: (fn) => inTransaction(pool, nameOf, fn),
    async exec(sql) {
      await pool.query(sql).catch((error: unknown) => {
        throw storeError(error);
      });
    },
    listen: (channel, onPayload, listenOptions = {}) =>
      listenReconnecting(connection, channel, onPayload, listenOptions.onReconnect, { listeners, stops }),
    async close() {
      // Stop reconnecting listeners first: ending their clients must not open new ones.
      for (const stop of stops) stop();
      await Promise.all([...listeners].map((client) => client.end().catch(() => {})));
      listeners.clear();
      await Promise.all([pool.end(), asyncPool.end()]);
    },
  };
}

async function ensureSchema(url: string, schema: string): Promise<void> {
  const setup = new pg.Client({ connectionString: url });
  setup.on('error', () => {}); // a failure reaches the awaited call below
  await setup.connect().catch((error: unknown) => {
    throw storeError(error);
  });
  try {
    await setup.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replaceAll('"', '')}"`);
  } finally {
    await setup.end();
  }
}

const noop = () => {};

async function inTransaction<T>(
  pool: pg.Pool,
  nameOf: StatementNamer,
  fn: (tx: Transaction) => Promise<T>,
): Promise<T> {
  const client = await pool.connect().catch((error: unknown) => {
    throw storeError(error);
  });
  // The pool only watches idle clients: a checked-out connection lost in a restart would be an unhandled
  // 'error' that ends the process. The query in flight reports it.
  let lost: Error | undefined;
  const onError = (error: Error) => void (lost = error);
  client.on('error', onError);
  const tx = transactionOn(client, nameOf);
  try {
    // Not awaited alone: fn's first statements follow BEGIN on the wire.
    const [, result] = await allInOrder([tx.query('BEGIN'), fn(tx)]);
    await tx.commit();
    return result;
  } catch (error) {
    if (!lost) await client.query('ROLLBACK').catch(noop);
    throw storeError(lost ?? error);
  } finally {
    client.removeListener('error', onError);
    client.release(lost); // a lost connection is discarded, not returned to the pool
  }
}

function transactionOn(client: pg.PoolClient, nameOf: StatementNamer): Transaction {
  const cork = corkPerTick(client);
  return committingOnce(wrap(client, nameOf, cork).query, async () => {
    cork();
    // A statement that failed before it aborted the transaction: PostgreSQL then answers COMMIT with ROLLBACK.
    const result = await client.query('COMMIT');
    if (result.command !== 'COMMIT') throw new Error(`the transaction ended with ${result.command}, not COMMIT`);
  });
}

/** pg corks each statement alone; this makes the statements a transaction starts in one tick one socket write. */
function corkPerTick(client: pg.PoolClient): () => void {
  const { stream } = (client as unknown as { connection: { stream: Socket } }).connection;
  let corked = false;
  const uncork = () => {
    corked = false;
    stream.uncork();
  };
  return () => {
    if (corked) return;
    corked = true;
    stream.cork();
    process.nextTick(uncork);
  };
}

async function listenReconnecting(
  connection: pg.ClientConfig,
  channel: string,
  onPayload: (payload: string) => void,
  onReconnect: (() => void) | undefined,
  open: { listeners: Set<pg.Client>; stops: Set<() => void> },
): Promise<() => Promise<void>> {
  const { listeners, stops } = open;
  let stopped = false;
  let current: pg.Client | undefined;
  const connect = async () => {
    const client = new pg.Client(connection);
    client.on('error', () => {});
    client.on('notification', (message) => {
      if (message.channel === channel) onPayload(message.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${channel.replaceAll('"', '')}"`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    current = client;
    listeners.add(client);
    client.once('end', () => {
      listeners.delete(client);
      if (!stopped) void reconnect();
    });
  };
  const reconnect = async () => {
    for (let attempt = 0; !stopped; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 5000)));
      if (stopped) return;
      try {
        await connect();
        if (stopped) return void (await current?.end().catch(() => {}));
        onReconnect?.();
        return;
      } catch {
        // still down: try again
      }
    }
  };
  await connect();
  const stop = () => {
    stopped = true;
  };
  stops.add(stop);
  return async () => {
    stop();
    stops.delete(stop);
    if (current) {
      listeners.delete(current);
      await current.end().catch(() => {});
    }
  };
}
