// Mediation feed: chunks of CDRs go to the usage command (one transaction each) before the offset commit;
// redeliveries are duplicates by recordId, refusals go to <topic>.dlq, ingest failures are retried forever.
import type { EventLog, LogRecord } from '../log/event-log.ts';
import { startRecordConsumer, type Refused, type RunningConsumer } from '../log/consumer-runner.ts';
import { USAGE_CHUNK, type UsageCommands, type UsageResult } from '../application/commands/usage.ts';
import type { Logger } from '../observability/logger.ts';
import { noLogMetrics, type LogMetrics } from '../observability/log-metrics.ts';
import { noMediationMetrics, type MediationMetrics } from '../observability/mediation-metrics.ts';
import { instrument } from '../observability/instrument.ts';
import { parseCdr, type Cdr, type CdrRefusal } from './cdr.ts';

export interface MediationConsumerOptions {
  readonly log: EventLog;
  readonly usage: UsageCommands;
  readonly topic: string;
  readonly group: string;
  readonly logger: Logger;
  readonly logMetrics?: LogMetrics;
  readonly metrics?: MediationMetrics;
  readonly maxBatch?: number;
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly lagIntervalMs?: number;
}

export interface FeedItem {
  readonly record: LogRecord;
  readonly cdr: Cdr;
}

export const dlqTopicOf = (topic: string): string => `${topic}.dlq`;

export function refusalHeaders(refusal: CdrRefusal): Record<string, string> {
  return { 'dlq-code': refusal.code, ...(refusal.field ? { 'dlq-field': refusal.field } : {}) };
}

export function refusalsOf(items: readonly FeedItem[], results: readonly UsageResult[]): Refused[] {
  if (results.length !== items.length) {
    throw new Error(`the usage command answered ${results.length} results for ${items.length} CDRs`);
  }
  const refused: Refused[] = [];
  results.forEach((result, i) => {
    if (result.status !== 'INVALID') return;
    const reason = result.reason ?? { code: 'INVALID_CDR', message: 'refused by the usage command' };
    refused.push({ record: (items[i] as FeedItem).record, reason: reason.message, headers: refusalHeaders(reason) });
  });
  return refused;
}

export function startMediationConsumer(options: MediationConsumerOptions): Promise<RunningConsumer> {
  const logMetrics = options.logMetrics ?? noLogMetrics;
  const metrics = options.metrics ?? noMediationMetrics;
  const ingest = instrument(logMetrics.operations, 'event', 'mediation.ingest', (cdrs: readonly Cdr[]) =>
    options.usage.ingest(cdrs),
  );
  return startRecordConsumer<FeedItem>({
    log: options.log,
    topic: options.topic,
    group: options.group,
    logger: options.logger,
    metrics: logMetrics,
    from: 'earliest',
    maxBatch: Math.min(options.maxBatch ?? USAGE_CHUNK, USAGE_CHUNK),
    maxAttempts: Infinity,
    // The group is every instance's: a restarted one must not wait out its killed self's session to serve.
    joinInBackground: true,
    ...(options.backoffMs !== undefined ? { backoffMs: options.backoffMs } : {}),
    ...(options.maxBackoffMs !== undefined ? { maxBackoffMs: options.maxBackoffMs } : {}),
    ...(options.lagIntervalMs !== undefined ? { lagIntervalMs: options.lagIntervalMs } : {}),
    dlqTopic: dlqTopicOf(options.topic),
    decode(record) {
      const parsed = parseCdr(record.value);
      if (parsed.ok) return { ok: true, item: { record, cdr: parsed.cdr } };
      metrics.records('invalid', 1);
      return { ok: false, reason: parsed.refusal.message, headers: refusalHeaders(parsed.refusal) };
    },
    recordOf: (item) => item.record,
    async handle(items) {
      const result = await ingest(items.map((i) => i.cdr));
      metrics.records('rated', result.accepted);
      metrics.records('rejected', result.rejected);
      metrics.records('duplicate', result.duplicates);
      metrics.records('invalid', result.invalid);
      return refusalsOf(items, result.results);
    },
  });
}
