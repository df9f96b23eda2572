// At-least-once: handlers that must apply an event once dedupe by its id.
import { setTimeout as delay } from 'node:timers/promises';
import type { BssCloudEvent } from '../events/envelope.ts';
import type { DomainEventLike, EventCodec } from '../events/codec.ts';
import type { Logger } from '../observability/logger.ts';
import { noLogMetrics, type LogMetrics } from '../observability/log-metrics.ts';
import type { Component } from '../observability/instrument.ts';
import { monitorHandler } from '../observability/monitor-events.ts';
import { groupOffsets, type EventLog, type LogRecord, type Subscription } from './event-log.ts';
import { createBackoff, Stopped, type Backoff } from './consumer-backoff.ts';
import { createBatchHandler, type RecordHandling } from './consumer-batch.ts';

export const DLQ_TOPIC = 'bss.events.dlq';
/** A shutdown must fit in BSS_SHUTDOWN_TIMEOUT_MS (8 s by default) with the rest of the closers. */
const JOIN_WAIT_MS = 2000;

export interface DeliveredEvent {
  readonly event: BssCloudEvent;
  readonly domainEvent: DomainEventLike;
  readonly record: LogRecord;
}

export interface EventHandler {
  readonly name: string;
  /** False for effects outside this system (notifications, payment gateways): replays skip such handlers. */
  readonly replaySafe: boolean;
  handle(events: readonly DeliveredEvent[]): Promise<void>;
}

export interface RunnerOptions {
  readonly log: EventLog;
  readonly topic: string;
  readonly group: string;
  readonly logger: Logger;
  readonly metrics?: LogMetrics;
  readonly from?: 'earliest' | 'latest';
  readonly maxBatch?: number;
  readonly maxDelayMs?: number;
  /** Default 5; Infinity retries a failing batch until it succeeds, committing nothing meanwhile. */
  readonly maxAttempts?: number;
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly dlqTopic?: string;
  readonly lagIntervalMs?: number;
  /** Skipped records the producing process already handled in process (CommandBusOptions.origin). */
  readonly handledElsewhere?: (record: LogRecord) => boolean;
  /** Joining waits for a rebalance, which waits for a killed member's session to end. */
  readonly joinInBackground?: boolean;
}

export interface ConsumerOptions extends RunnerOptions {
  readonly codec: EventCodec;
  readonly handler: EventHandler;
  readonly component?: Component;
}

export type { Decoded, Refused, RecordHandling } from './consumer-batch.ts';

export interface RunningConsumer {
  readonly group: string;
  assignment(): readonly number[];
  status(): ConsumerStatus;
  stop(): Promise<void>;
}

export interface ConsumerStatus {
  readonly consuming: boolean;
  readonly error?: string;
}

export async function startConsumer(options: ConsumerOptions): Promise<RunningConsumer> {
  const { codec } = options;
  const handler = monitorHandler(
    options.handler,
    (options.metrics ?? noLogMetrics).operations,
    options.component ?? 'event',
  );
  return startRecordConsumer<DeliveredEvent>({
    ...options,
    decode(record) {
      const decoded = codec.decode(record);
      return decoded.ok
        ? { ok: true, item: { event: decoded.event, domainEvent: decoded.domainEvent, record } }
        : { ok: false, reason: decoded.reason };
    },
    recordOf: (delivered) => delivered.record,
    handle: async (events) => (await handler.handle(events), []),
  });
}

export async function startRecordConsumer<T>(options: RunnerOptions & RecordHandling<T>): Promise<RunningConsumer> {
  const { log, topic, group, logger } = options;
  const metrics = options.metrics ?? noLogMetrics;
  const dlqTopic = options.dlqTopic ?? DLQ_TOPIC;
  const backoff = createBackoff(options.backoffMs ?? 100, options.maxBackoffMs ?? 5000);
  const onBatch = createBatchHandler({
    ...options,
    metrics,
    maxAttempts: options.maxAttempts ?? 5,
    dlqTopic,
    backoff,
  });
  await log.ensureTopic(dlqTopic, { partitions: 1, retentionMs: -1 });
  const member = await superviseSubscription(options, onBatch, backoff);
  const lagTimer = measureLag(log, group, topic, metrics, logger, options.lagIntervalMs ?? 5000);

  return {
    group,
    assignment: () => member.current()?.assignment() ?? [],
    status: () =>
      member.current() && !backoff.stopping
        ? { consuming: true }
        : { consuming: false, error: member.failure() ?? 'stopped' },
    async stop() {
      backoff.stop();
      clearInterval(lagTimer);
      await member.close();
    },
  };
}

/** A failed subscription is restarted with backoff, forever, reporting why it is not consuming. */
async function superviseSubscription(
  options: RunnerOptions,
  onBatch: (batch: { records: readonly LogRecord[] }) => Promise<void>,
  backoff: Backoff,
) {
  const { log, group, topic, logger } = options;
  let subscription: Subscription | undefined;
  let failure: string | undefined;
  let restarting: Promise<void> = Promise.resolve();
  const subscribe = (): Promise<Subscription> =>
    log.subscribe({
      group,
      topic,
      ...(options.from ? { from: options.from } : {}),
      ...(options.maxBatch ? { maxBatch: options.maxBatch } : {}),
      ...(options.maxDelayMs ? { maxDelayMs: options.maxDelayMs } : {}),
      onBatch,
      onError: (error) => {
        if (error instanceof Stopped || backoff.stopping) return;
        logger.error({ err: error, group }, 'consumer stopped by an error; restarting it');
        subscription = undefined;
        failure = String((error as Error)?.message ?? error);
        restarting = restart();
      },
    });
  const restart = async (first = false): Promise<void> => {
    for (let n = 0; !backoff.stopping; n++) {
      try {
        if (!first || n > 0) await backoff.sleep(backoff.delay(n));
        const next = await subscribe();
        if (backoff.stopping) return void (await next.close());
        subscription = next;
        failure = undefined;
        if (!first || n > 0) logger.warn({ group, attempts: n + 1 }, 'consumer restarted');
        return;
      } catch (error) {
        if (error instanceof Stopped) return;
        failure = String((error as Error)?.message ?? error);
        logger.warn({ err: error, group, attempt: n + 1 }, 'consumer restart failed, retrying');
      }
    }
  };
  if (options.joinInBackground) {
    failure = 'joining the group';
    restarting = restart(true);
  } else subscription = await subscribe();
  return {
    current: () => subscription,
    failure: () => failure,
    async close() {
      // A join the broker holds until its group settles (up to the rebalance timeout) is not waited for
      // past JOIN_WAIT_MS: restart() closes what it joins once stopping.
      await Promise.race([restarting, delay(JOIN_WAIT_MS, undefined, { ref: false })]);
      await subscription?.close();
    },
  };
}

function measureLag(
  log: EventLog,
  group: string,
  topic: string,
  metrics: LogMetrics,
  logger: Logger,
  intervalMs: number,
): NodeJS.Timeout {
  const timer = setInterval(() => {
    groupOffsets(log, group, topic)
      .then((offsets) => offsets.partitions.forEach((p) => metrics.consumerLag(group, topic, p.partition, p.lag)))
      .catch((error: unknown) => logger.debug({ err: error, group }, 'lag measurement failed'));
  }, intervalMs);
  timer.unref();
  return timer;
}
