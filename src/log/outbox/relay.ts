// The outbox relay (Kafka mode): rounds (relay-round.ts) publish committed outbox rows in id order, one
// relay at a time, so per-partition order is the commit order whatever the number of instances; a
// crash re-publishes a round (at-least-once; consumers dedupe by event id).
import type { Db } from '../../store/db.ts';
import type { Logger } from '../../observability/logger.ts';
import { noLogMetrics, type LogMetrics } from '../../observability/log-metrics.ts';
import type { EventLog } from '../event-log.ts';
import { OUTBOX_CHANNEL } from './outbox-sink.ts';
import { createRelayRound } from './relay-round.ts';

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

export async function startOutboxRelay(options: RelayOptions): Promise<Relay> {
  const { db, logger } = options;
  const metrics = options.metrics ?? noLogMetrics;
  const pollMs = options.pollMs ?? 250;
  const keepPublishedMs = options.keepPublishedMs ?? 3_600_000;
  const round = createRelayRound({
    db,
    log: options.log,
    metrics,
    // Large batches drain faster (bench/results/TUNING.md).
    batchSize: options.batchSize ?? 10_000,
    maxBatchesPerRound: options.maxBatchesPerRound ?? 8,
    faults: options.faults,
  });
  let stopped = false;
  let wake: (() => void) | undefined;
  let rounds = Promise.resolve(0);

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
  const backlogTimer = await watchBacklog(db, metrics, logger, options.backlogIntervalMs ?? 5000);

  const loop = (async () => {
    let lastPurge = 0;
    while (!stopped) {
      try {
        await drain();
        if (Date.now() - lastPurge > 60_000) {
          lastPurge = Date.now();
          await purgePublished(db, keepPublishedMs);
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

/**
 * The backlog gauge, measured now and then every intervalMs on its own timer: under sustained load
 * drain() never returns, and the backlog is exactly what must stay visible then.
 */
async function watchBacklog(db: Db, metrics: LogMetrics, logger: Logger, intervalMs: number): Promise<NodeJS.Timeout> {
  const measure = async () => {
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
    metrics.outboxBacklog(Number(rows[0]?.n ?? 0));
  };
  const timer = setInterval(() => {
    measure().catch((error: unknown) => logger.debug({ err: error }, 'outbox backlog measurement failed'));
  }, intervalMs);
  timer.unref();
  await measure();
  return timer;
}

/** Rows an earlier relay version marked published instead of deleting them. */
async function purgePublished(db: Db, keepPublishedMs: number): Promise<void> {
  await db.query(`DELETE FROM outbox WHERE published_at < now() - ($1::bigint * interval '1 millisecond')`, [
    keepPublishedMs,
  ]);
}
