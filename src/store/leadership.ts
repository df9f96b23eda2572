// Leader election for background work that must run once per deployment, whatever the number of
// workers and instances: a session-level pg_try_advisory_lock held on a dedicated connection. The lock
// lives as long as that connection, so a leader that dies or loses its connection frees it, and a
// follower takes over within retryMs. PGlite has no such need: one process owns its data directory.
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LeadershipOptions {
  readonly url: string;
  /** The job's lock name: include the schema and topic, so deployments sharing a server never compete. */
  readonly name: string;
  /** Called on becoming leader. */
  readonly lead: () => void | Promise<void>;
  /** Called on losing leadership (connection lost) and on stop() while leading. */
  readonly follow: () => void | Promise<void>;
  /** How often a follower tries the lock and a leader checks its connection. Default 5 s. */
  readonly retryMs?: number;
  readonly onError?: (error: unknown) => void;
}

export interface Leadership {
  isLeader(): boolean;
  /** Gives up leadership (follow() runs first) and closes the connection. */
  stop(): Promise<void>;
}

export function holdLeadership(options: LeadershipOptions): Leadership {
  const retryMs = options.retryMs ?? 5_000;
  const abort = new AbortController();
  const pause = () => sleep(retryMs, undefined, { signal: abort.signal }).catch(() => undefined);
  let leader = false;

  /** One connection's life: try the lock (or check the connection) every retryMs until it fails. */
  const session = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: 10_000, keepAlive: true });
    const lost = new Promise<Error>((resolve) => {
      client.on('error', resolve);
      client.on('end', () => resolve(new Error('leadership connection ended')));
    });
    try {
      await client.connect();
      while (!abort.signal.aborted) {
        if (leader) await client.query('SELECT 1');
        else {
          const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
            options.name,
          ]);
          if (rows[0]?.ok) {
            leader = true;
            await options.lead();
          }
        }
        const error = await Promise.race([pause().then(() => undefined), lost]);
        if (error) throw error;
      }
    } finally {
      if (leader) {
        leader = false;
        await options.follow();
      }
      await client.end().catch(() => undefined); // closing the session releases the lock
    }
  };

  const running = (async () => {
    while (!abort.signal.aborted) {
      await session().catch((error: unknown) => abort.signal.aborted || options.onError?.(error));
      await pause();
    }
  })();

  return {
    isLeader: () => leader,
    async stop() {
      abort.abort();
      await running;
    },
  };
}
