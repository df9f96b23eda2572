// Configuration of the Kafka EventLog adapter: what a caller may set, and the defaults it gets.
import { compressionsAlgorithms, type BaseOptions, type CompressionAlgorithmValue } from '@platformatic/kafka';

export interface KafkaGroupTimings {
  /** The broker drops a member it has not heard from for this long (broker minimum: 6000). */
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** How long the broker waits for every member to rejoin during a rebalance. */
  readonly rebalanceTimeoutMs?: number;
  /** Longest a subscription's fetch waits at the end of the log; bounds how long close() waits. */
  readonly pollMs?: number;
}

export interface KafkaEventLogOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** How long append() waits for more records before sending a batch (Kafka's linger.ms). Default 5. */
  readonly lingerMs?: number;
  /** Upper bound of one produce request's uncompressed payload; stays under the broker's 1 MiB batch limit. */
  readonly maxBatchBytes?: number;
  /** Default: zstd when this Node has it (Node 24 does), else lz4. */
  readonly compression?: CompressionAlgorithmValue;
  /** retention.ms of topics ensureTopic creates when the spec sets none; -1 keeps records forever. */
  readonly retentionMs?: number;
  /** -1 = the broker's default.replication.factor. */
  readonly replicationFactor?: number;
  /** Bytes one fetch may return per partition. */
  readonly fetchMaxBytes?: number;
  readonly group?: KafkaGroupTimings;
  /** Per request. */
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
    // The library's default (1 s) doubles the latency of every transient hiccup, such as a leader
    // not yet elected right after a topic is created.
    retryDelayMs: options.retryDelayMs ?? 200,
  };
}

/** Options every client of the adapter shares. */
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
