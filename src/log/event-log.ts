// The EventLog port; the database log and Kafka pass the same contract (test/log/event-log-contract.ts).

/** `key` is the partition key (the customer id for BSS events). */
export interface AppendRecord {
  readonly key: string;
  readonly value: string;
  /** Default now; kept non-decreasing per partition, as Kafka's time index sees it. */
  readonly timestamp?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RecordPosition {
  readonly partition: number;
  readonly offset: number;
}

export interface LogRecord extends RecordPosition {
  readonly topic: string;
  readonly key: string;
  readonly value: string;
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, string>>;
}

export interface TopicSpec {
  readonly partitions: number;
  /** -1 = forever (time travel needs history). */
  readonly retentionMs?: number;
}

export interface ReadOptions {
  readonly max?: number;
  /** Exclusive. */
  readonly endOffset?: number;
}

export interface PartitionOffsets {
  readonly partition: number;
  readonly start: number;
  /** = count of records ever appended. */
  readonly end: number;
}

export interface RecordBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly LogRecord[];
}

export interface SubscribeOptions {
  readonly group: string;
  readonly topic: string;
  readonly from?: 'earliest' | 'latest';
  readonly maxBatch?: number;
  /**
   * How much later than it could a record may be delivered, so fetches gather more per request (a
   * backstop consumer). Unset: each record as soon as it is in the log. The database log ignores it.
   */
  readonly maxDelayMs?: number;
  /** Resolving commits the batch (Kafka: within a second, in one request); rejecting commits nothing and stops. */
  readonly onBatch: (batch: RecordBatch) => Promise<void>;
  readonly onError?: (error: unknown) => void;
}

export interface Subscription {
  assignment(): readonly number[];
  /** The in-flight batch finishes and commits; partitions are handed over. */
  close(): Promise<void>;
}

export interface GroupOffsets {
  readonly group: string;
  readonly topic: string;
  readonly partitions: ReadonlyArray<{ partition: number; committed: number | null; end: number; lag: number }>;
}

/** What countByTime counts: every given condition holds; types and sources match ce_type and ce_source. */
export interface RecordMatch {
  readonly key?: string;
  readonly types?: readonly string[];
  readonly sources?: readonly string[];
}

/** Buckets [start + i·bucketMs, start + (i+1)·bucketMs), the last one ending at `end`. */
export interface TimeBuckets {
  readonly start: number;
  readonly end: number;
  readonly bucketMs: number;
  readonly buckets: number;
}

export interface EventLog {
  readonly kind: 'database' | 'kafka';
  /** An existing topic is left as it is. */
  ensureTopic(topic: string, spec: TopicSpec): Promise<void>;
  topics(): Promise<string[]>;
  partitionCount(topic: string): Promise<number>;
  /** Records of one key keep their order. */
  append(topic: string, records: readonly AppendRecord[]): Promise<RecordPosition[]>;
  read(topic: string, partition: number, fromOffset: number, options?: ReadOptions): Promise<LogRecord[]>;
  /** Kafka ListOffsets; -1 when there is none. */
  offsetForTime(topic: string, partition: number, timestamp: number): Promise<number>;
  /** offsetForTime for many times (the partition's end where none) in one round trip where the adapter can. */
  offsetsForTimes(topic: string, timestamps: readonly number[]): Promise<number[][]>;
  offsets(topic: string): Promise<PartitionOffsets[]>;
  /** Exact counts per bucket where the log indexes these attributes (database log); absent on Kafka. */
  countByTime?(topic: string, buckets: TimeBuckets, match: RecordMatch): Promise<number[]>;
  commit(group: string, topic: string, positions: readonly RecordPosition[]): Promise<void>;
  /** The next offset to consume; null where nothing is committed. */
  committed(group: string, topic: string): Promise<Map<number, number | null>>;
  groups(): Promise<string[]>;
  /** Live members of the group on the topic, whichever process runs them (restore needs none). */
  members(group: string, topic: string): Promise<number>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  close(): Promise<void>;
}

export const DEFAULT_READ_MAX = 500;

export async function groupOffsets(log: EventLog, group: string, topic: string): Promise<GroupOffsets> {
  const [ends, committed] = await Promise.all([log.offsets(topic), log.committed(group, topic)]);
  return {
    group,
    topic,
    partitions: ends.map(({ partition, start, end }) => {
      const offset = committed.get(partition) ?? null;
      return { partition, committed: offset, end, lag: end - (offset ?? start) };
    }),
  };
}
