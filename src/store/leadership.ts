// Once-per-deployment background work: a session pg_try_advisory_lock on a dedicated connection, freed when
// the leader dies or loses it; a follower takes over within retryMs. PGlite needs none (one process).
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LeadershipOptions {
  readonly url: string;
  /** Include the schema and topic, so deployments sharing a server never compete. */
  readonly name: string;
  readonly lead: () => void | Promise<void>;
  /** Also called on stop() while leading. */
  readonly follow: () => void | Promise<void>;
  readonly retryMs?: number;
  readonly onError?: (error: unknown) => void;
}

export interface Leadership {
  isLeader(): boolean;
  stop(): Promise<void>;
}

export function holdLeadership(options: LeadershipOptions): Leadership {
  const retryMs = options.retryMs ?? 5_000;
  const abort = new AbortController();
  const pause = () => sleep(retryMs, undefined, { signal: abort.signal }).catch(() => undefined);
  let leader = false;

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
