import { Counter, Gauge, type Registry } from 'prom-client';
import { noOperationMetrics, type OperationMetrics } from './instrument.ts';

export interface LogMetrics {
  readonly operations: OperationMetrics;
  consumerLag(group: string, topic: string, partition: number, lag: number): void;
  deadLettered(group: string, reason: 'invalid' | 'poison'): void;
  retried(group: string): void;
  outboxBacklog(rows: number): void;
  published(records: number): void;
}

export const noLogMetrics: LogMetrics = {
  operations: noOperationMetrics,
  consumerLag: () => {},
  deadLettered: () => {},
  retried: () => {},
  outboxBacklog: () => {},
  published: () => {},
};

export function createLogMetrics(registry: Registry, operations: OperationMetrics = noOperationMetrics): LogMetrics {
  const lag = new Gauge({
    name: 'bss_consumer_lag',
    help: 'Records appended but not yet committed by the consumer group, per partition',
    labelNames: ['group', 'topic', 'partition'] as const,
    registers: [registry],
  });
  const dlq = new Counter({
    name: 'bss_dead_letters_total',
    help: 'Records sent to the dead-letter topic, by group and reason (invalid = failed validation, poison = handler kept failing)',
    labelNames: ['group', 'reason'] as const,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'bss_consumer_retries_total',
    help: 'Handler retries after a failure',
    labelNames: ['group'] as const,
    registers: [registry],
  });
  const backlog = new Gauge({
    name: 'bss_outbox_backlog',
    help: 'Outbox rows committed but not yet published to Kafka',
    registers: [registry],
  });
  const published = new Counter({
    name: 'bss_outbox_published_total',
    help: 'Outbox rows published to Kafka by the relay',
    registers: [registry],
  });
  return {
    operations,
    consumerLag: (group, topic, partition, value) => lag.set({ group, topic, partition: String(partition) }, value),
    deadLettered: (group, reason) => dlq.inc({ group, reason }),
    retried: (group) => retries.inc({ group }),
    outboxBacklog: (rows) => backlog.set(rows),
    published: (records) => published.inc(records),
  };
}
