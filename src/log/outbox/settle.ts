// A rebuild's swap calls this holding the read-model locks, so the log it folded has every committed event.
import { unavailable } from '../../errors.ts';
import type { Queryable } from '../../store/db.ts';

export interface SettleOptions {
  readonly db: Queryable;
  /** Another instance's relay may hold the lock. */
  readonly drain: () => Promise<unknown>;
  /** Then 503 (retryable). */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
}

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
