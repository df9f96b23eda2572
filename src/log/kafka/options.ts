import { compressionsAlgorithms, type BaseOptions, type CompressionAlgorithmValue } from '@platformatic/kafka';

/** Below it, zstd's fixed cost per batch (about 20 µs to compress, 15 µs per reader to decompress) buys little. */
export const DEFAULT_COMPRESS_MIN_BYTES = 4096;

export interface KafkaGroupTimings {
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly rebalanceTimeoutMs?: number;
  /** Also bounds how long close() waits. */
  readonly pollMs?: number;
  /** While records flow, how often a member commits what it handled; an idle round commits at once. */
  readonly commitEveryMs?: number;
}

export interface KafkaEventLogOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly lingerMs?: number;
  /** Uncompressed; under the broker's 1 MiB batch limit. */
  readonly maxBatchBytes?: number;
  readonly compression?: CompressionAlgorithmValue;
  /** Partition batches smaller than this on average are sent uncompressed. */
  readonly compressMinBytes?: number;
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
  readonly compressMinBytes: number;
  readonly retentionMs: number;
  readonly replicationFactor: number;
  readonly fetchMaxBytes: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly pollMs: number;
  readonly commitEveryMs: number;
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
    compressMinBytes: options.compressMinBytes ?? DEFAULT_COMPRESS_MIN_BYTES,
    retentionMs: options.retentionMs ?? -1,
    replicationFactor: options.replicationFactor ?? -1,
    fetchMaxBytes: options.fetchMaxBytes ?? 4 * 1024 * 1024,
    sessionTimeoutMs,
    heartbeatIntervalMs: options.group?.heartbeatIntervalMs ?? 1_000,
    rebalanceTimeoutMs: options.group?.rebalanceTimeoutMs ?? sessionTimeoutMs,
    pollMs: options.group?.pollMs ?? 500,
    commitEveryMs: options.group?.commitEveryMs ?? 1000,
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
