// DELETE … RETURNING takes a batch; the deletes commit after Kafka acknowledged every batch, so a crash or a
// failed append publishes the round again (at-least-once).
import type { Db, Queryable } from '../../store/db.ts';
import type { LogMetrics } from '../../observability/log-metrics.ts';
import type { AppendRecord, EventLog } from '../event-log.ts';

export interface RoundOptions {
  readonly db: Db;
  readonly log: EventLog;
  readonly metrics: LogMetrics;
  readonly batchSize: number;
  readonly maxBatchesPerRound: number;
  readonly faults?: { readonly beforePublish?: () => void; readonly afterPublish?: () => void } | undefined;
}

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  value: string;
  ts: string;
  /** Parsed once per distinct value, not once per row by pg. */
  headers: string;
}

/** The first take also takes the relay lock: a round that is not the leader's takes nothing. */
const LEADER_CTE = 'WITH leader AS (SELECT id FROM outbox_relay_lock WHERE id = 1 FOR UPDATE SKIP LOCKED) ';
// = ANY(ARRAY(…)) pins the plan to primary-key lookups (a semi-join may scan the table).
const takeSql = (leaderOnly: boolean) => `${leaderOnly ? LEADER_CTE : ''}DELETE FROM outbox WHERE id = ANY(ARRAY(
    SELECT id FROM outbox WHERE published_at IS NULL${leaderOnly ? ' AND EXISTS (SELECT 1 FROM leader)' : ''}
     ORDER BY id LIMIT $1))
  RETURNING id, topic, key, value, ts, headers::text AS headers`;
const FIRST_TAKE_SQL = takeSql(true);
const TAKE_SQL = takeSql(false);

/** Decimal strings: shorter is smaller. */
const compareIds = (a: string, b: string): number => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

function isSortedById(rows: readonly OutboxRow[]): boolean {
  for (let i = 1; i < rows.length; i++)
    if (compareIds((rows[i - 1] as OutboxRow).id, (rows[i] as OutboxRow).id) > 0) return false;
  return true;
}

export function createRelayRound(options: RoundOptions): () => Promise<number> {
  const { db, log, metrics, batchSize, maxBatchesPerRound } = options;

  const take = async (tx: Queryable, sql: string): Promise<OutboxRow[]> => {
    const { rows } = await tx.query<OutboxRow>(sql, [batchSize]);
    // RETURNING gives no order guarantee; the index scan gives id order, so this rarely sorts.
    if (!isSortedById(rows)) rows.sort((a, b) => compareIds(a.id, b.id));
    return rows;
  };

  const parsedHeaders = new Map<string, Record<string, string>>();
  const headersOf = (json: string): Record<string, string> => {
    let headers = parsedHeaders.get(json);
    if (!headers) {
      headers = JSON.parse(json) as Record<string, string>;
      if (parsedHeaders.size < 1000) parsedHeaders.set(json, headers);
    }
    return headers;
  };

  const publish = async (rows: readonly OutboxRow[]): Promise<void> => {
    const byTopic = new Map<string, AppendRecord[]>();
    for (const row of rows) {
      let records = byTopic.get(row.topic);
      if (!records) byTopic.set(row.topic, (records = []));
      records.push({ key: row.key, value: row.value, timestamp: Number(row.ts), headers: headersOf(row.headers) });
    }
    for (const [topic, records] of byTopic) await log.append(topic, records);
  };

  return () =>
    db.transaction(async (tx) => {
      let published = 0;
      let next = take(tx, FIRST_TAKE_SQL);
      for (let batches = 1; ; batches++) {
        const rows = await next;
        if (rows.length === 0) break;
        options.faults?.beforePublish?.();
        const more = rows.length === batchSize && batches < maxBatchesPerRound;
        next = more ? take(tx, TAKE_SQL) : Promise.resolve([]);
        // A failed publish must not leave the pending read an unhandled rejection.
        next.catch(() => {});
        await publish(rows);
        options.faults?.afterPublish?.();
        metrics.published(rows.length);
        published += rows.length;
      }
      return published;
    });
}
