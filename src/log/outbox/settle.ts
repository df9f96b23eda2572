// Kafka mode: "every event committed so far is in Kafka". A read-model rebuild folds the log, while
// commands' events wait in the outbox until a relay (this instance's or another's) publishes them;
// the rebuild's swap calls this while it holds the read-model locks, so no command commits meanwhile.
import { unavailable } from '../../errors.ts';
import type { Queryable } from '../../store/db.ts';

export interface SettleOptions {
  readonly db: Queryable;
  /** This instance's relay: publishes what it can (another instance's relay may hold the lock). */
  readonly drain: () => Promise<unknown>;
  /** Give up (503, retryable) when the rows are still there after this long. Default 10 s. */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
}

/** Resolves once no outbox row committed before the call is left unpublished. */
export function outboxSettler(options: SettleOptions): () => Promise<void> {
  const { db, drain, timeoutMs = 10_000, pollMs = 20 } = options;
  return async () => {
    const { rows } = await db.query<{ last: string | null }>('SELECT max(id)::text AS last FROM outbox');
    const last = rows[0]?.last;
    if (last === null || last === undefined) return;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await drain();
      // A row another relay's open round is publishing stays visible until that round committed.
      const left = await db.query('SELECT 1 FROM outbox WHERE id <= $1 AND published_at IS NULL LIMIT 1', [last]);
      if (left.rows.length === 0) return;
      if (Date.now() >= deadline) throw unavailable('the outbox relay (events not yet in Kafka)');
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  };
}
