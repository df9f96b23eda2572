// One relay at a time, in id order, so per-partition order is commit order; a crash republishes a round.
import { setTimeout as delay } from 'node:timers/promises';
import type { Db } from '../../store/db.ts';
import type { Logger } from '../../observability/logger.ts';
import { noLogMetrics, type LogMetrics } from '../../observability/log-metrics.ts';
import type { EventLog } from '../event-log.ts';
import { OUTBOX_CHANNEL } from './outbox-sink.ts';
import { createRelayRound } from './relay-round.ts';

/** Rounds at most about 1 / (gather + round) a second: a round's cost is mostly per round, not per row. */
const DEFAULT_GATHER_MS = 20;

export interface RelayOptions {
  readonly db: Db;
  readonly log: EventLog;
  readonly logger: Logger;
  readonly metrics?: LogMetrics;
  readonly batchSize?: number;
  /** One transaction, one hold of the lock. */
  readonly maxBatchesPerRound?: number;
  readonly pollMs?: number;
  /** A commit's NOTIFY starts a round this much later, so one round carries the commits of that time. */
  readonly gatherMs?: number;
  readonly backlogIntervalMs?: number;
  /** Rows an earlier relay version marked published are deleted once this old. */
  readonly keepPublishedMs?: number;
  /** Fault injection for crash tests. */
  readonly faults?: { readonly beforePublish?: () => void; readonly afterPublish?: () => void };
}

export interface Relay {
  drain(): Promise<number>;
  stop(): Promise<void>;
}

export async function startOutboxRelay(options: RelayOptions): Promise<Relay> {
  const { db, logger } = options;
  const metrics = options.metrics ?? noLogMetrics;
  const pollMs = options.pollMs ?? 250;
  const gatherMs = options.gatherMs ?? DEFAULT_GATHER_MS;
  const keepPublishedMs = options.keepPublishedMs ?? 3_600_000;
  const batchSize = options.batchSize ?? 10_000;
  const maxBatchesPerRound = options.maxBatchesPerRound ?? 8;
  const round = createRelayRound({
    db,
    log: options.log,
    metrics,
    batchSize,
    maxBatchesPerRound,
    faults: options.faults,
  });
  let stopped = false;
  let wake: (() => void) | undefined;
  /** A commit's NOTIFY came since the current round began. */
  let notified = false;
  let rounds = Promise.resolve(0);
  const gather = () => (gatherMs > 0 && !stopped ? delay(gatherMs) : undefined);

  /** Rounds, one at a time, while `more(published)` says the outbox may hold rows. */
  const roundsWhile = (more: (published: number) => boolean, pause?: () => unknown): Promise<number> => {
    rounds = rounds.then(
      async () => {
        let total = 0;
        let n: number;
        for (;;) {
          notified = false;
          n = await round();
          total += n;
          if (!more(n)) return total;
          if (n < batchSize * maxBatchesPerRound) await pause?.();
        }
      },
      () => 0,
    );
    return rounds;
  };
  const drain = () => roundsWhile((n) => n > 0);
  // A round that took less than it could emptied the outbox as of its start, and later commits NOTIFY: so
  // after it, another round (a transaction, two round trips) only when one came or the round was full.
  const catchUp = () => roundsWhile((n) => notified || n >= batchSize * maxBatchesPerRound, gather);

  const unlisten = await db.listen(OUTBOX_CHANNEL, () => {
    notified = true;
    wake?.();
  });
  const backlogTimer = await watchBacklog(db, metrics, logger, options.backlogIntervalMs ?? 5000);

  const loop = (async () => {
    let lastPurge = 0;
    while (!stopped) {
      // A NOTIFY that came after the last round starts the next after the gather; after a failure the relay waits.
      let again = false;
      try {
        await catchUp();
        if (Date.now() - lastPurge > 60_000) {
          lastPurge = Date.now();
          await purgePublished(db, keepPublishedMs);
        }
        again = notified;
      } catch (error) {
        logger.error({ err: error }, 'outbox relay round failed; retrying');
      }
      if (again) {
        await gather();
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
      if (notified) await gather();
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

/** On its own timer: under sustained load drain() never returns, and the backlog must stay visible then. */
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

async function purgePublished(db: Db, keepPublishedMs: number): Promise<void> {
  await db.query(`DELETE FROM outbox WHERE published_at < now() - ($1::bigint * interval '1 millisecond')`, [
    keepPublishedMs,
  ]);
}
