// The no-lost check against one service's schema and event topic (src/load/no-lost-check.ts judges): waits
// for the service to settle, reads every usage row's id and every usage event in the log, and compares them
// with the load generator's ledger of ids sent and acknowledged. The counts of the old check stay printed.
import type pg from 'pg';
import { cloudEventType } from '../../src/events/envelope.ts';
import type { UsageLedger } from '../../src/load/usage-ledger.ts';
import { noLostCheck, type NoLostVerdict } from '../../src/load/no-lost-check.ts';
import type { createKafkaEventLog } from '../../src/log/kafka/kafka-event-log.ts';

type EventLog = ReturnType<typeof createKafkaEventLog>;

export interface NoLostTarget {
  readonly db: pg.Client;
  readonly kafka: EventLog;
  readonly schema: string;
  readonly topic: string;
  readonly ledger: UsageLedger;
  /** CDRs the generator's report counts as accepted (answers it waited for). */
  readonly acceptedCdrs: number;
  /** Distinct events the setup wrote (customers, orders, subscriptions). */
  readonly setupEvents: number;
}

/** The log's usage events, whose subject is the record id. */
const USAGE_TYPES = new Set([cloudEventType('usage.rated'), cloudEventType('usage.rejected')]);

export async function noLostEvents(target: NoLostTarget) {
  const { db, kafka, schema, topic, ledger, acceptedCdrs, setupEvents } = target;
  const { rows: rowCount, backlog, settledS } = await settled(db, schema);
  // The relay's last transaction may not be visible (read_committed end offsets) yet: wait up to 30 s.
  let inLog = 0;
  for (let wait = 0; wait < 30 && inLog - setupEvents < rowCount; wait++) {
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, 1_000));
    inLog = (await kafka.offsets(topic)).reduce((a, p) => a + p.end, 0);
  }
  const records = await logRecords(kafka, topic);
  const usage = records.filter((r) => USAGE_TYPES.has(r.type));
  const verdict = noLostCheck({
    sent: ledger.sent,
    acknowledged: ledger.acknowledged,
    rows: await usageRowIds(db, schema),
    log: usage.map((r) => ({ eventId: r.id, recordId: r.subject })),
    otherEvents: {
      found: new Set(records.map((r) => r.id)).size - new Set(usage.map((r) => r.id)).size,
      expected: setupEvents,
    },
  });
  return {
    acceptedCdrs,
    outboxBacklog: backlog,
    settledS,
    offsets: inLog,
    ...noLostLines(acceptedCdrs, verdict, backlog, settledS),
    verdict,
  };
}

/**
 * Waits until the service is done with what it was sent: the outbox drained and the usage rows unchanged
 * for 5 s (calls the client gave up on may still be committing), at most 180 s.
 */
async function settled(db: pg.Client, schema: string): Promise<{ rows: number; backlog: number; settledS: number }> {
  const started = Date.now();
  let last = { rows: -1, backlog: Number.NaN };
  for (let still = 0; still < 5 && Date.now() - started < 180_000;) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const { rows } = await db.query<{ rows: string; backlog: string }>(
      `SELECT (SELECT count(*) FROM "${schema}".usage_records) AS rows,
              (SELECT count(*) FROM "${schema}".outbox WHERE published_at IS NULL) AS backlog`,
    );
    const now = { rows: Number(rows[0]?.rows), backlog: Number(rows[0]?.backlog) };
    still = now.backlog === 0 && now.rows === last.rows ? still + 1 : 0;
    last = now;
  }
  return { ...last, settledS: (Date.now() - started) / 1000 };
}

/** The counts as before (accepted answers ≤ rows when the client gave up on calls), then the three statements. */
function noLostLines(acceptedCdrs: number, v: NoLostVerdict, backlog: number, settledS: number) {
  const c = v.counts;
  const mark = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
  const sample = (s: readonly string[]) => (s.length ? ` (e.g. ${s.join(', ')})` : '');
  const statements = [
    `nothing lost ${mark(v.nothingLost.pass)}: ${v.nothingLost.measured}${sample(v.nothingLost.sample)}`,
    `nothing doubled ${mark(v.nothingDoubled.pass)}: ${v.nothingDoubled.measured}${sample(v.nothingDoubled.sample)}`,
    `nothing invented ${mark(v.nothingInvented.pass)}: ${v.nothingInvented.measured}${sample(v.nothingInvented.sample)}`,
  ];
  const counts =
    `accepted CDRs ${acceptedCdrs} (ids acknowledged ${c.acknowledged}), usage rows ${c.rows}, ` +
    `usage events in the log ${c.logEvents} (${c.logRecords} records, ${c.republished} republished); ` +
    `${c.storedUnacknowledged} stored whose answer the client never saw; sent ${c.sent}; outbox backlog ${backlog} ` +
    `(settled after ${settledS.toFixed(0)} s)`;
  return { pass: v.pass && backlog === 0, measured: `${counts}. ${statements.join('; ')}`, counts, statements };
}

/** The id of every usage row, in batches by the table's identity column (duplicates, if any, kept). */
async function usageRowIds(db: pg.Client, schema: string): Promise<string[]> {
  const ids: string[] = [];
  for (let after = '0'; ;) {
    const { rows } = await db.query<{ id: string; seq: string }>(
      `SELECT id, seq FROM "${schema}".usage_records WHERE seq > $1 ORDER BY seq LIMIT 50000`,
      [after],
    );
    for (const row of rows) ids.push(row.id);
    if (rows.length < 50_000) return ids;
    after = (rows.at(-1) as { seq: string }).seq;
  }
}

/** Every record in the topic, republished ones included: its CloudEvent id, type and subject. */
async function logRecords(
  kafka: EventLog,
  topic: string,
): Promise<Array<{ id: string; type: string; subject: string }>> {
  const found: Array<{ id: string; type: string; subject: string }> = [];
  for (const { partition, start, end } of await kafka.offsets(topic)) {
    for (let offset = start; offset < end;) {
      const records = await kafka.read(topic, partition, offset, { max: 500, endOffset: end });
      if (records.length === 0) break;
      for (const record of records) {
        const { id, type, subject } = JSON.parse(record.value) as { id: string; type: string; subject: string };
        found.push({ id, type, subject });
      }
      offset = (records.at(-1)?.offset ?? offset) + 1;
    }
  }
  return found;
}
