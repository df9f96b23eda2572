// The outbox relay (Kafka mode): publishes committed outbox rows to Kafka in id order and deletes them
// in the same transaction, which commits once Kafka acknowledged them. One relay publishes at a time
// (it holds the outbox_relay_lock row for the round), so the order per partition is the commit order
// whatever the number of instances. A crash between publish and commit re-publishes that round after
// restart: delivery is at-least-once, and consumers dedupe by event id, so effects stay exactly-once.
import type { Db, Queryable } from '../../store/db.ts';
import type { Logger } from '../../observability/logger.ts';
import { noLogMetrics, type LogMetrics } from '../../observability/log-metrics.ts';
import type { AppendRecord, EventLog } from '../event-log.ts';
import { OUTBOX_CHANNEL } from './outbox-sink.ts';

export interface RelayOptions {
  readonly db: Db;
  readonly log: EventLog;
  readonly logger: Logger;
  readonly metrics?: LogMetrics;
  readonly batchSize?: number;
  /** Batches one round (one transaction, one hold of the lock) may publish before it commits. Default 8. */
  readonly maxBatchesPerRound?: number;
  /** Poll interval when no notification arrives. */
  readonly pollMs?: number;
  /** How often the backlog gauge is measured. Default 5 s. */
  readonly backlogIntervalMs?: number;
  /** Rows an earlier relay version marked published (published_at) are deleted once this old. */
  readonly keepPublishedMs?: number;
  /** Fault injection for crash tests: around the publish of a round that has rows to publish. */
  readonly faults?: { readonly beforePublish?: () => void; readonly afterPublish?: () => void };
}

export interface Relay {
  /** Publishes everything committed so far; resolves with the number of rows published. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  value: string;
  ts: string;
  /** jsonb as text: parsed once per distinct value (headersOf), not once per row by pg. */
  headers: string;
}

// = ANY(ARRAY(…)) pins the plan to primary-key lookups of the batch (a semi-join may scan the table).
const TAKE_SQL = `DELETE FROM outbox WHERE id = ANY(ARRAY(
    SELECT id FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1))
  RETURNING id, topic, key, value, ts, headers::text AS headers`;

/** bigint ids as pg returns them (decimal strings): shorter is smaller. */
const compareIds = (a: string, b: string): number => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);

function isSortedById(rows: readonly OutboxRow[]): boolean {
  for (let i = 1; i < rows.length; i++)
    if (compareIds((rows[i - 1] as OutboxRow).id, (rows[i] as OutboxRow).id) > 0) return false;
  return true;
}

export async function startOutboxRelay(options: RelayOptions): Promise<Relay> {
  const { db, log, logger } = options;
  const metrics = options.metrics ?? noLogMetrics;
  // Large batches drain faster (bench/results/TUNING.md).
  const batchSize = options.batchSize ?? 10_000;
  const maxBatchesPerRound = options.maxBatchesPerRound ?? 8;
  const pollMs = options.pollMs ?? 250;
  const keepPublishedMs = options.keepPublishedMs ?? 3_600_000;
  let stopped = false;
  let wake: (() => void) | undefined;
  let rounds = Promise.resolve(0);

  /**
   * One round: lock, then batches until the outbox is empty (or maxBatchesPerRound): each batch is
   * taken out of the outbox (DELETE … RETURNING: read and mark in one statement), published, and the
   * next batch is read while this one is in flight. The deletes commit with the round, after Kafka acknowledged every batch; a crash
   * or a failed append rolls them back, so the round is published again (at-least-once). A batch is
   * appended only once the previous one is acknowledged, in id order. Returns rows published (0 =
   * idle or not leader).
   */
  const round = (): Promise<number> =>
    db.transaction(async (tx) => {
      const leader = await tx.query('SELECT id FROM outbox_relay_lock WHERE id = 1 FOR UPDATE SKIP LOCKED');
      if (leader.rowCount === 0) return 0;
      let published = 0;
      let next = take(tx);
      for (let batches = 1; ; batches++) {
        const rows = await next;
        if (rows.length === 0) break;
        options.faults?.beforePublish?.();
        const more = rows.length === batchSize && batches < maxBatchesPerRound;
        next = more ? take(tx) : Promise.resolve([]);
        // If the publish fails, the pending read must not become an unhandled rejection.
        next.catch(() => {});
        await publish(rows);
        options.faults?.afterPublish?.();
        metrics.published(rows.length);
        published += rows.length;
      }
      return published;
    });

  const take = async (tx: Queryable): Promise<OutboxRow[]> => {
    const { rows } = await tx.query<OutboxRow>(TAKE_SQL, [batchSize]);
    // RETURNING gives no order guarantee; the index scan gives id order, so this rarely sorts.
    if (!isSortedById(rows)) rows.sort((a, b) => compareIds(a.id, b.id));
    return rows;
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

  // Rows of one producer carry the same few header sets: parse each distinct one once.
  const parsedHeaders = new Map<string, Record<string, string>>();
  const headersOf = (json: string): Record<string, string> => {
    let headers = parsedHeaders.get(json);
    if (!headers) {
      headers = JSON.parse(json) as Record<string, string>;
      if (parsedHeaders.size < 1000) parsedHeaders.set(json, headers);
    }
    return headers;
  };

  /** Rounds until the outbox is empty (or another relay holds the lock). Serialised. */
  const drain = (): Promise<number> => {
    rounds = rounds.then(
      async () => {
        let total = 0;
        for (let n = await round(); n > 0; n = await round()) total += n;
        return total;
      },
      () => 0,
    );
    return rounds;
  };

  const unlisten = await db.listen(OUTBOX_CHANNEL, () => wake?.());

  // Measured on its own timer: under sustained load drain() never returns, and the backlog is
  // exactly what must stay visible then.
  const measureBacklog = async () => {
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
    metrics.outboxBacklog(Number(rows[0]?.n ?? 0));
  };
  const backlogTimer = setInterval(() => {
    measureBacklog().catch((error: unknown) => logger.debug({ err: error }, 'outbox backlog measurement failed'));
  }, options.backlogIntervalMs ?? 5000);
  backlogTimer.unref();
  await measureBacklog();

  const loop = (async () => {
    let lastPurge = 0;
    while (!stopped) {
      try {
        await drain();
        if (Date.now() - lastPurge > 60_000) {
          lastPurge = Date.now();
          await db.query(`DELETE FROM outbox WHERE published_at < now() - ($1::bigint * interval '1 millisecond')`, [
            keepPublishedMs,
          ]);
        }
      } catch (error) {
        logger.error({ err: error }, 'outbox relay round failed; retrying');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  })();

  return {
    drain,
    async stop() {
      stopped = true;
      clearInterval(backlogTimer);
      wake?.();
      await loop;
      await unlisten();
    },
  };
}
