// A batch that keeps failing is split to find the records at fault, so the rest still apply.
import type { Logger } from '../observability/logger.ts';
import type { LogMetrics } from '../observability/log-metrics.ts';
import { Stopped, type Backoff } from './consumer-backoff.ts';
import type { AppendRecord, EventLog, LogRecord } from './event-log.ts';

export type Decoded<T> =
  | { readonly ok: true; readonly item: T }
  | { readonly ok: false; readonly reason: string; readonly headers?: Readonly<Record<string, string>> };

export interface Refused {
  readonly record: LogRecord;
  readonly reason: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RecordHandling<T> {
  decode(record: LogRecord): Decoded<T>;
  recordOf(item: T): LogRecord;
  /** Resolves with the refused items; rejects to be retried. */
  handle(items: readonly T[]): Promise<readonly Refused[]>;
}

export interface BatchParts<T> extends RecordHandling<T> {
  readonly log: EventLog;
  readonly topic: string;
  readonly group: string;
  readonly logger: Logger;
  readonly metrics: LogMetrics;
  readonly maxAttempts: number;
  readonly dlqTopic: string;
  readonly backoff: Backoff;
  readonly handledElsewhere?: ((record: LogRecord) => boolean) | undefined;
}

export function createBatchHandler<T>(parts: BatchParts<T>) {
  const { log, topic, group, logger, metrics, maxAttempts, dlqTopic, backoff } = parts;

  async function withRetries<R>(what: string, records: number, fn: () => Promise<R>): Promise<R> {
    for (let n = 1; ; n++) {
      try {
        return await fn();
      } catch (error) {
        if (n >= maxAttempts) throw error;
        metrics.retried(group);
        logger.warn({ err: error, group, attempt: n, events: records }, `${what} failed, retrying`);
        await backoff.sleep(backoff.delay(n - 1));
      }
    }
  }

  async function attempt(items: readonly T[]): Promise<{ refused: readonly Refused[] } | { error: unknown }> {
    try {
      return { refused: await withRetries('handler', items.length, () => parts.handle(items)) };
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
  ): AppendRecord {
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

  return async function onBatch(batch: { records: readonly LogRecord[] }): Promise<void> {
    const valid: T[] = [];
    const dead: AppendRecord[] = [];
    for (const record of batch.records) {
      if (parts.handledElsewhere?.(record)) continue;
      const decoded = parts.decode(record);
      if (decoded.ok) valid.push(decoded.item);
      else dead.push(deadLetter(record, 'invalid', decoded.reason, 0, decoded.headers));
    }
    const refuse = (refused: readonly Refused[], attempts: number) => {
      for (const r of refused) dead.push(deadLetter(r.record, 'invalid', r.reason, attempts, r.headers));
    };
    const outcome = valid.length > 0 ? await attempt(valid) : { refused: [] };
    if ('refused' in outcome) refuse(outcome.refused, 1);
    else {
      for (const item of valid) {
        const single = await attempt([item]);
        if ('refused' in single) refuse(single.refused, 1);
        else {
          const error = single.error as Error | undefined;
          dead.push(deadLetter(parts.recordOf(item), 'poison', String(error?.message ?? error), maxAttempts));
        }
      }
    }
    // A dead-letter topic briefly unreachable must not stop the consumer: the batch is applied already.
    if (dead.length > 0) await withRetries('dead-letter append', dead.length, () => log.append(dlqTopic, dead));
  };
}
