// Exactly-once effects over at-least-once delivery: applied ids are recorded in the effect's transaction.
import type { Db, Queryable } from '../store/db.ts';
import type { DeliveredEvent } from './consumer-runner.ts';

export async function applyOnce(
  db: Db,
  consumer: string,
  events: readonly DeliveredEvent[],
  effect: (tx: Queryable, fresh: readonly DeliveredEvent[]) => Promise<void>,
): Promise<void> {
  if (events.length === 0) return;
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ event_id: string }>(
      `INSERT INTO processed_events (consumer, event_id) SELECT $1, unnest($2::text[])
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [consumer, events.map((e) => e.event.id)],
    );
    const fresh = new Set(rows.map((r) => r.event_id));
    const once = events.filter((e) => fresh.delete(e.event.id)); // first occurrence only
    if (once.length > 0) await effect(tx, once);
  });
}
