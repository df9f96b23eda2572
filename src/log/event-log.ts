// The EventLog port: a partitioned, offset-addressed, timestamped log with consumer groups.
// Adapters: the database log (PGlite and PostgreSQL share its SQL) and Apache Kafka. Both honour the
// same contract (test/log/event-log-contract.ts), so replay, time travel, metrics and cache
// invalidation behave identically whichever log is configured.

/** What a producer hands the log. `key` is the partition key (the customer id for BSS events). */
export interface AppendRecord {
  readonly key: string;
  /** The encoded record, e.g. a CloudEvent in JSON. */
  readonly value: string;
  /**
   * Milliseconds since the epoch; default: now. The database log keeps timestamps non-decreasing per
   * partition (an earlier one is raised to the partition's latest, like Kafka's time index sees it).
   */
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
  /** How long records are kept; -1 = forever (time travel needs history). */
  readonly retentionMs?: number;
}

export interface ReadOptions {
  /** At most this many records (default 500). */
  readonly max?: number;
  /** Stop before this offset (exclusive). */
  readonly endOffset?: number;
}

export interface PartitionOffsets {
  readonly partition: number;
  /** The first offset still in the log. */
  readonly start: number;
  /** The offset the next record will get (= count of records ever appended). */
  readonly end: number;
}

/** A batch delivered to a subscriber: consecutive records of one partition. */
export interface RecordBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly LogRecord[];
}

export interface SubscribeOptions {
  readonly group: string;
  readonly topic: string;
  /** Where a partition with no committed offset starts. Default 'earliest'. */
  readonly from?: 'earliest' | 'latest';
  readonly maxBatch?: number;
  /**
   * Handles a batch. When it resolves, the offset after the batch's last record is committed for the
   * group (Kafka: with the other batches of its fetch, in one request); when it rejects, nothing of it
   * is committed and the subscription stops with that error
   * (the consumer runner adds retry, backoff and dead-lettering on top).
   */
  readonly onBatch: (batch: RecordBatch) => Promise<void>;
  /** Called when the subscription stops because onBatch failed or the log became unreachable. */
  readonly onError?: (error: unknown) => void;
}

export interface Subscription {
  /** Partitions this member currently owns. */
  assignment(): readonly number[];
  /** Leaves the group: in-flight batch finishes, its offsets are committed, partitions are handed over. */
  close(): Promise<void>;
}

export interface GroupOffsets {
  readonly group: string;
  readonly topic: string;
  readonly partitions: ReadonlyArray<{ partition: number; committed: number | null; end: number; lag: number }>;
}

export interface EventLog {
  readonly kind: 'database' | 'kafka';
  /** Creates the topic when missing; an existing topic is left as it is. */
  ensureTopic(topic: string, spec: TopicSpec): Promise<void>;
  /** Topic names (internal ones excluded). */
  topics(): Promise<string[]>;
  partitionCount(topic: string): Promise<number>;
  /** Appends in one batch; records of one key keep their order. Returns each record's position. */
  append(topic: string, records: readonly AppendRecord[]): Promise<RecordPosition[]>;
  /** Records of one partition from `fromOffset`, in offset order. */
  read(topic: string, partition: number, fromOffset: number, options?: ReadOptions): Promise<LogRecord[]>;
  /** The earliest offset whose timestamp is ≥ `timestamp` (Kafka ListOffsets); -1 when there is none. */
  offsetForTime(topic: string, partition: number, timestamp: number): Promise<number>;
  /**
   * For each time, every partition's (indexed by partition) earliest offset with timestamp ≥ it, or the
   * partition's end when there is none: offsetForTime for many times in one round trip where the
   * adapter can (histograms, windows).
   */
  offsetsForTimes(topic: string, timestamps: readonly number[]): Promise<number[][]>;
  offsets(topic: string): Promise<PartitionOffsets[]>;
  commit(group: string, topic: string, positions: readonly RecordPosition[]): Promise<void>;
  /** Committed offset per partition (the next offset to consume), null where nothing is committed. */
  committed(group: string, topic: string): Promise<Map<number, number | null>>;
  groups(): Promise<string[]>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  close(): Promise<void>;
}

export const DEFAULT_READ_MAX = 500;

/** Lag of a group per partition: records appended but not yet committed. */
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
