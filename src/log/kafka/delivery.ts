// Hands fetched records of one partition to the subscriber a batch at a time, and commits what was delivered
// in one OffsetCommit once its handlers resolved. Stops on a rebalance or when stopping.
import type { Consumer } from '@platformatic/kafka';
import type { LogRecord, SubscribeOptions } from '../event-log.ts';
import { hasKafkaError } from './errors.ts';
import type { FetchedPartition } from './fetch.ts';

export interface Delivery<Assignment> {
  readonly consumer: Consumer;
  readonly topic: string;
  readonly maxBatch: number;
  readonly onBatch: SubscribeOptions['onBatch'];
  isCurrent(assignment: Assignment): boolean;
  isStopping(): boolean;
}

/** The next offset to commit per partition, with the leader epoch of its last batch (KIP-320). */
export type Delivered = Map<number, { offset: number; leaderEpoch: number }>;

export async function deliverPartition<Assignment>(
  delivery: Delivery<Assignment>,
  current: Assignment,
  fetched: FetchedPartition,
  positions: Map<number, number>,
  delivered: Delivered,
): Promise<boolean> {
  const { topic, maxBatch } = delivery;
  for (let i = 0; i < fetched.records.length; i += maxBatch) {
    if (delivery.isStopping() || !delivery.isCurrent(current)) return false;
    const records: LogRecord[] = fetched.records.slice(i, i + maxBatch);
    await delivery.onBatch({ topic, partition: fetched.partition, records });
    const next = (records.at(-1) as LogRecord).offset + 1;
    positions.set(fetched.partition, next);
    delivered.set(fetched.partition, { offset: next, leaderEpoch: fetched.leaderEpoch });
  }
  positions.set(fetched.partition, Math.max(positions.get(fetched.partition) ?? 0, fetched.next));
  return true;
}

export async function commitDelivered<Assignment>(
  delivery: Delivery<Assignment>,
  current: Assignment,
  delivered: Delivered,
): Promise<void> {
  if (delivered.size === 0) return;
  const { topic } = delivery;
  const offsets = [...delivered].map(([partition, { offset, leaderEpoch }]) => ({
    topic,
    partition,
    offset: BigInt(offset),
    leaderEpoch,
  }));
  try {
    await delivery.consumer.commit({ offsets });
  } catch (error) {
    // Rebalanced under the batch: the new owner resumes from the last commit (at least once).
    if (!delivery.isCurrent(current) || hasKafkaError(error, 'REBALANCE_IN_PROGRESS')) return;
    throw error;
  }
}
