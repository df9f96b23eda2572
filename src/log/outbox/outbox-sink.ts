import type { EventSink } from '../event-sink.ts';

export const OUTBOX_CHANNEL = 'bss_outbox';

export function createOutboxSink(): EventSink {
  return {
    sendsAtOnce: true,
    async appendWithin(tx, topic, records) {
      if (records.length === 0) return;
      // One JSON parameter, not four text[]: pg escapes arrays in JavaScript, JSON.stringify is native.
      // The NOTIFY wakes the relay at once instead of at its next poll; one statement with the insert.
      await tx.query(
        `WITH added AS (
           INSERT INTO outbox (topic, key, value, ts, headers)
           SELECT $1, k, v, t, h FROM json_to_recordset($2::json) AS r(k text, v text, t bigint, h jsonb))
         SELECT pg_notify('${OUTBOX_CHANNEL}', '')`,
        [
          topic,
          JSON.stringify(
            records.map((r) => ({ k: r.key, v: r.value, t: r.timestamp ?? Date.now(), h: r.headers ?? {} })),
          ),
        ],
      );
    },
  };
}
