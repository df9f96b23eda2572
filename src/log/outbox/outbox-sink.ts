import type { EventSink } from '../event-sink.ts';

export const OUTBOX_CHANNEL = 'bss_outbox';

/** Kafka mode: events wait in the outbox table (same transaction as the command) for the relay. */
export function createOutboxSink(): EventSink {
  return {
    async appendWithin(tx, topic, records) {
      if (records.length === 0) return;
      await tx.query(
        `INSERT INTO outbox (topic, key, value, ts, headers)
         SELECT $1, k, v, t, h::jsonb FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[]) AS r(k, v, t, h)`,
        [
          topic,
          records.map((r) => r.key),
          records.map((r) => r.value),
          records.map((r) => r.timestamp ?? Date.now()),
          records.map((r) => JSON.stringify(r.headers ?? {})),
        ],
      );
      // Delivered on commit only; wakes the relay at once instead of at its next poll.
      await tx.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
    },
  };
}
