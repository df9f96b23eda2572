// Shared by read() and subscriptions, so records look the same whichever way they are consumed.
import { IS_CONTROL, type ConnectionPool, type Consumer, type RecordsBatch } from '@platformatic/kafka';
import type { LogRecord } from '../event-log.ts';
import { hasKafkaError, responseOf } from './errors.ts';

/** The package exports it only inside a versioned namespace. */
type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;

export interface FetchRequest {
  readonly topic: string;
  readonly topicId: string;
  readonly node: number;
  readonly partitions: ReadonlyArray<{ readonly partition: number; readonly offset: number }>;
  readonly maxWaitMs: number;
  /** Default 1: answer as soon as anything is there. */
  readonly minBytes?: number;
  readonly maxBytesPerPartition: number;
  readonly pool?: ConnectionPool;
}

export interface FetchedPartition {
  readonly partition: number;
  readonly records: LogRecord[];
  readonly next: number;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly outOfRange: boolean;
  /** OffsetCommit carries it (KIP-320); -1 when unknown. */
  readonly leaderEpoch: number;
}

export async function fetchPartitions(
  consumer: Consumer,
  request: FetchRequest,
): Promise<Map<number, FetchedPartition>> {
  const requested = new Map(request.partitions.map((p) => [p.partition, p.offset]));
  let response: FetchResponse;
  try {
    response = await consumer.fetch({
      node: request.node,
      topics: [
        {
          topicId: request.topicId,
          partitions: request.partitions.map((p) => ({
            partition: p.partition,
            fetchOffset: BigInt(p.offset),
            partitionMaxBytes: request.maxBytesPerPartition,
            currentLeaderEpoch: -1,
            lastFetchedEpoch: -1,
          })),
        },
      ],
      maxWaitTime: request.maxWaitMs,
      minBytes: request.minBytes ?? 1,
      maxBytes: request.maxBytesPerPartition * request.partitions.length,
      ...(request.pool ? { connectionPool: request.pool } : {}),
    });
  } catch (error) {
    // The failed answer still says where the log starts and ends.
    const answer = hasKafkaError(error, 'OFFSET_OUT_OF_RANGE') ? responseOf<FetchResponse>(error) : undefined;
    if (!answer) throw error;
    response = answer;
  }

  const fetched = new Map<number, FetchedPartition>();
  for (const topic of response.responses) {
    for (const answer of topic.partitions) {
      const from = requested.get(answer.partitionIndex);
      // A fetch session (KIP-227) may echo partitions of an earlier request.
      if (from === undefined) continue;
      const batches = answer.records ?? [];
      const last = batches.at(-1);
      fetched.set(answer.partitionIndex, {
        partition: answer.partitionIndex,
        records: batches.flatMap((batch) => decodeBatch(request.topic, answer.partitionIndex, batch, from)),
        next: last ? Math.max(from, Number(last.firstOffset) + last.lastOffsetDelta + 1) : from,
        highWatermark: Number(answer.highWatermark),
        logStartOffset: Number(answer.logStartOffset),
        outOfRange: answer.errorCode === OFFSET_OUT_OF_RANGE,
        leaderEpoch: last?.partitionLeaderEpoch ?? -1,
      });
    }
  }
  return fetched;
}

const OFFSET_OUT_OF_RANGE = 1;

function decodeBatch(topic: string, partition: number, batch: RecordsBatch, from: number): LogRecord[] {
  // Transaction markers occupy offsets but carry no record.
  if (batch.attributes & IS_CONTROL) return [];
  const records: LogRecord[] = [];
  for (const record of batch.records) {
    const offset = Number(batch.firstOffset) + record.offsetDelta;
    // Whole batches: the first may start before the requested offset.
    if (offset < from) continue;
    const headers: Record<string, string> = {};
    for (const [name, value] of record.headers) {
      if (name) headers[name.toString('utf8')] = value?.toString('utf8') ?? '';
    }
    const raw = record.value;
    let value: string | undefined;
    records.push({
      topic,
      partition,
      offset,
      key: record.key?.toString('utf8') ?? '',
      // Decoded when read: a consumer that skips a record by its headers (its own process's) never pays for it.
      get value() {
        return (value ??= raw?.toString('utf8') ?? '');
      },
      timestamp: Number(batch.firstTimestamp + record.timestampDelta),
      headers,
    });
  }
  return records;
}
