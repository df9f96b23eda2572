// Runs a handler as a member of a consumer group: decodes and validates each record (an invalid one
// goes straight to the dead-letter topic and never reaches the handler), delivers the rest in batches,
// retries failures with exponential backoff, isolates a poison record after maxAttempts and
// dead-letters it with the error, then lets the batch's offsets be committed. Delivery is
// at-least-once; handlers that must apply each event once dedupe by event id.
// startConsumer runs EventHandlers over CloudEvents; startRecordConsumer is the same loop for any
// record format (the mediation feed's CDRs), with the decoder and handler given by the caller.
import type { BssCloudEvent } from '../events/envelope.ts';
import type { DomainEventLike, EventCodec } from '../events/codec.ts';
import type { Logger } from '../observability/logger.ts';
import { noLogMetrics, type LogMetrics } from '../observability/log-metrics.ts';
import type { Component } from '../observability/instrument.ts';
import { monitorHandler } from '../observability/monitor-events.ts';
import { groupOffsets, type AppendRecord, type EventLog, type LogRecord, type Subscription } from './event-log.ts';

export const DLQ_TOPIC = 'bss.events.dlq';

export interface DeliveredEvent {
  readonly event: BssCloudEvent;
  readonly domainEvent: DomainEventLike;
  readonly record: LogRecord;
}

export interface EventHandler {
  readonly name: string;
  /**
   * True when running it again on old events has no effect outside this system (read models, caches,
   * metrics). False for notifications and calls to payment gateways: replays skip such handlers.
   */
  readonly replaySafe: boolean;
  handle(events: readonly DeliveredEvent[]): Promise<void>;
}

/** What every consumer of a group is given, whatever its records hold. */
export interface RunnerOptions {
  readonly log: EventLog;
  readonly topic: string;
  readonly group: string;
  readonly logger: Logger;
  readonly metrics?: LogMetrics;
  readonly from?: 'earliest' | 'latest';
  readonly maxBatch?: number;
  /**
   * Attempts per batch, then per record, before a record is dead-lettered. Default 5. Infinity retries
   * a failing batch until it succeeds or the consumer stops, committing nothing meanwhile.
   */
  readonly maxAttempts?: number;
  /** First retry delay; doubles each attempt up to maxBackoffMs. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly dlqTopic?: string;
  /** How often lag is measured for the metric. Default 5 s. */
  readonly lagIntervalMs?: number;
  /**
   * Records this returns true for are neither decoded nor handled; they count as done with their
   * batch. For work the producing process already did in process (see CommandBusOptions.origin).
   */
  readonly handledElsewhere?: (record: LogRecord) => boolean;
  /**
   * Returns before the member has joined (status: not consuming until it has). For a group shared with
   * other instances: joining waits for a rebalance, which waits for a killed member's session to end.
   */
  readonly joinInBackground?: boolean;
}

export interface ConsumerOptions extends RunnerOptions {
  readonly codec: EventCodec;
  readonly handler: EventHandler;
  /** The component the handler's work is counted under (metrics.operations). Default 'event'. */
  readonly component?: Component;
}

/** A record decoded for the handler, or the reason it cannot be (it is dead-lettered as invalid). */
export type Decoded<T> =
  | { readonly ok: true; readonly item: T }
  | { readonly ok: false; readonly reason: string; readonly headers?: Readonly<Record<string, string>> };

/** A record the handler refused for good: dead-lettered as invalid, and the partition moves on. */
export interface Refused {
  readonly record: LogRecord;
  readonly reason: string;
  /** Extra dlq-* headers, e.g. the refusal's code and field. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RecordHandling<T> {
  decode(record: LogRecord): Decoded<T>;
  recordOf(item: T): LogRecord;
  /** Resolves once the items are applied, with those it refused; rejects to be retried. */
  handle(items: readonly T[]): Promise<readonly Refused[]>;
}

export interface RunningConsumer {
  readonly group: string;
  assignment(): readonly number[];
  /** Whether it consumes; when not, why (its subscription failed and is being restarted). */
  status(): ConsumerStatus;
  stop(): Promise<void>;
}

export interface ConsumerStatus {
  readonly consuming: boolean;
  readonly error?: string;
}

class Stopped extends Error {}

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
  const maxAttempts = options.maxAttempts ?? 5;
  const backoffMs = options.backoffMs ?? 100;
  const maxBackoffMs = options.maxBackoffMs ?? 5000;
  const dlqTopic = options.dlqTopic ?? DLQ_TOPIC;
  let stopping = false;
  const wakeups = new Set<() => void>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (stopping) return reject(new Stopped());
      const wake = () => {
        clearTimeout(timer);
        wakeups.delete(wake);
        reject(new Stopped());
      };
      const timer = setTimeout(() => {
        wakeups.delete(wake);
        resolve();
      }, ms);
      wakeups.add(wake);
    });

  /** Runs fn until it succeeds or maxAttempts is reached, backing off in between; throws the last error. */
  async function withRetries<R>(what: string, records: number, fn: () => Promise<R>): Promise<R> {
    for (let n = 1; ; n++) {
      try {
        return await fn();
      } catch (error) {
        if (n >= maxAttempts) throw error;
        metrics.retried(group);
        logger.warn({ err: error, group, attempt: n, events: records }, `${what} failed, retrying`);
        await sleep(Math.min(backoffMs * 2 ** Math.min(n - 1, 30), maxBackoffMs));
      }
    }
  }

  /** Runs the handler until it succeeds (its refusals) or maxAttempts is reached (the last error). */
  async function attempt(items: readonly T[]): Promise<{ refused: readonly Refused[] } | { error: unknown }> {
    try {
      return { refused: await withRetries('handler', items.length, () => options.handle(items)) };
    } catch (error) {
      if (error instanceof Stopped) throw error; // stopping: nothing of the batch is committed
      return { error };
    }
  }

  function deadLetter(
    record: LogRecord,
    reason: 'invalid' | 'poison',
    error: string,
    attempts: number,
    extra: Readonly<Record<string, string>> = {},
  ) {
    metrics.deadLettered(group, reason);
    logger.error(
      { group, topic, partition: record.partition, offset: record.offset, reason, error },
      'record dead-lettered',
    );
    return {
      key: record.key,
      value: record.value,
      timestamp: record.timestamp,
      headers: {
        ...record.headers,
        'dlq-reason': reason,
        'dlq-error': error.slice(0, 1000),
        'dlq-group': group,
        'dlq-source': `${record.topic}/${record.partition}/${record.offset}`,
        'dlq-attempts': String(attempts),
        ...extra,
      },
    };
  }

  async function onBatch(batch: { records: readonly LogRecord[] }): Promise<void> {
    const valid: T[] = [];
    const dead: AppendRecord[] = [];
    for (const record of batch.records) {
      if (options.handledElsewhere?.(record)) continue;
      const decoded = options.decode(record);
      if (decoded.ok) valid.push(decoded.item);
      else dead.push(deadLetter(record, 'invalid', decoded.reason, 0, decoded.headers));
    }
    const refuse = (refused: readonly Refused[], attempts: number) => {
      for (const r of refused) dead.push(deadLetter(r.record, 'invalid', r.reason, attempts, r.headers));
    };
    const outcome = valid.length > 0 ? await attempt(valid) : { refused: [] };
    if ('refused' in outcome) refuse(outcome.refused, 1);
    else {
      // The batch keeps failing: find the record(s) at fault, one by one, so the rest still apply.
      for (const item of valid) {
        const single = await attempt([item]);
        if ('refused' in single) refuse(single.refused, 1);
        else {
          const error = single.error as Error | undefined;
          dead.push(deadLetter(options.recordOf(item), 'poison', String(error?.message ?? error), maxAttempts));
        }
      }
    }
    // A dead-letter topic briefly unreachable must not stop the consumer: the batch is applied already.
    if (dead.length > 0) await withRetries('dead-letter append', dead.length, () => log.append(dlqTopic, dead));
  }

  await log.ensureTopic(dlqTopic, { partitions: 1, retentionMs: -1 });
  // A subscription that fails (a broker gone longer than the client's retries) is not the end: the
  // member is started again with backoff, forever, and status() reports it as not consuming meanwhile.
  let subscription: Subscription | undefined;
  let failure: string | undefined;
  let restarting: Promise<void> = Promise.resolve();
  const subscribe = (): Promise<Subscription> =>
    log.subscribe({
      group,
      topic,
      ...(options.from ? { from: options.from } : {}),
      ...(options.maxBatch ? { maxBatch: options.maxBatch } : {}),
      onBatch,
      onError: (error) => {
        if (error instanceof Stopped || stopping) return;
        logger.error({ err: error, group }, 'consumer stopped by an error; restarting it');
        subscription = undefined;
        failure = String((error as Error)?.message ?? error);
        restarting = restart();
      },
    });
  const restart = async (first = false): Promise<void> => {
    for (let n = 0; !stopping; n++) {
      try {
        if (!first || n > 0) await sleep(Math.min(backoffMs * 2 ** Math.min(n, 30), maxBackoffMs));
        const next = await subscribe();
        if (stopping) return void (await next.close());
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

  const lagTimer = setInterval(() => {
    groupOffsets(log, group, topic)
      .then((offsets) => offsets.partitions.forEach((p) => metrics.consumerLag(group, topic, p.partition, p.lag)))
      .catch((error: unknown) => logger.debug({ err: error, group }, 'lag measurement failed'));
  }, options.lagIntervalMs ?? 5000);
  lagTimer.unref();

  return {
    group,
    assignment: () => subscription?.assignment() ?? [],
    status: () => (subscription && !stopping ? { consuming: true } : { consuming: false, error: failure ?? 'stopped' }),
    async stop() {
      stopping = true;
      clearInterval(lagTimer);
      for (const wake of [...wakeups]) wake();
      await restarting;
      await subscription?.close();
    },
  };
}
