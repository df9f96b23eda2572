import { compressionsAlgorithms, type BaseOptions, type CompressionAlgorithmValue } from '@platformatic/kafka';

export interface KafkaGroupTimings {
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly rebalanceTimeoutMs?: number;
  /** Also bounds how long close() waits. */
  readonly pollMs?: number;
}

export interface KafkaEventLogOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly lingerMs?: number;
  /** Uncompressed; under the broker's 1 MiB batch limit. */
  readonly maxBatchBytes?: number;
  readonly compression?: CompressionAlgorithmValue;
  readonly retentionMs?: number;
  readonly replicationFactor?: number;
  readonly fetchMaxBytes?: number;
  readonly group?: KafkaGroupTimings;
  readonly requestTimeoutMs?: number;
  readonly retries?: number;
  readonly retryDelayMs?: number;
}

export interface KafkaSettings {
  readonly brokers: string[];
  readonly clientId: string;
  readonly lingerMs: number;
  readonly maxBatchBytes: number;
  readonly compression: CompressionAlgorithmValue;
  readonly retentionMs: number;
  readonly replicationFactor: number;
  readonly fetchMaxBytes: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly pollMs: number;
  readonly requestTimeoutMs: number;
  readonly retries: number;
  readonly retryDelayMs: number;
}

export function resolveKafkaOptions(options: KafkaEventLogOptions): KafkaSettings {
  if (options.brokers.length === 0) throw new Error('the Kafka EventLog needs at least one broker');
  const sessionTimeoutMs = options.group?.sessionTimeoutMs ?? 10_000;
  return {
    brokers: [...options.brokers],
    clientId: options.clientId,
    lingerMs: options.lingerMs ?? 5,
    maxBatchBytes: options.maxBatchBytes ?? 768 * 1024,
    compression: options.compression ?? (compressionsAlgorithms.zstd.available ? 'zstd' : 'lz4'),
    retentionMs: options.retentionMs ?? -1,
    replicationFactor: options.replicationFactor ?? -1,
    fetchMaxBytes: options.fetchMaxBytes ?? 4 * 1024 * 1024,
    sessionTimeoutMs,
    heartbeatIntervalMs: options.group?.heartbeatIntervalMs ?? 1_000,
    rebalanceTimeoutMs: options.group?.rebalanceTimeoutMs ?? sessionTimeoutMs,
    pollMs: options.group?.pollMs ?? 500,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    retries: options.retries ?? 10,
    // The library's 1 s default doubles the latency of every transient hiccup (a new topic's leader election).
    retryDelayMs: options.retryDelayMs ?? 200,
  };
}

export function baseClientOptions(settings: KafkaSettings, role: string): BaseOptions {
  return {
    clientId: `${settings.clientId}-${role}`,
    bootstrapBrokers: settings.brokers,
    timeout: settings.requestTimeoutMs,
    retries: settings.retries,
    retryDelay: settings.retryDelayMs,
    autocreateTopics: false,
  };
}
