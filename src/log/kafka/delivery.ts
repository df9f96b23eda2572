// Handing fetched records of one partition to the subscriber, one batch at a time, committing the
// offset after each batch once its handler resolved. Stops when the member no longer owns the
// assignment it fetched under (a rebalance) or the subscription is stopping.
import type { Consumer } from '@platformatic/kafka';
import type { LogRecord, SubscribeOptions } from '../event-log.ts';
import { hasKafkaError } from './errors.ts';
import type { FetchedPartition } from './fetch.ts';

export interface Delivery<Assignment> {
  readonly consumer: Consumer;
  readonly topic: string;
  readonly maxBatch: number;
  readonly onBatch: SubscribeOptions['onBatch'];
  /** The assignment is still this member's current one. */
  isCurrent(assignment: Assignment): boolean;
  isStopping(): boolean;
}

/** Delivers and commits the fetched records; false when it had to stop early. */
export async function deliverPartition<Assignment>(
  delivery: Delivery<Assignment>,
  current: Assignment,
  fetched: FetchedPartition,
  positions: Map<number, number>,
): Promise<boolean> {
  const { topic, maxBatch } = delivery;
  for (let i = 0; i < fetched.records.length; i += maxBatch) {
    if (delivery.isStopping() || !delivery.isCurrent(current)) return false;
    const records: LogRecord[] = fetched.records.slice(i, i + maxBatch);
    await delivery.onBatch({ topic, partition: fetched.partition, records });
    const next = (records.at(-1) as LogRecord).offset + 1;
    positions.set(fetched.partition, next);
    await commit(delivery, current, fetched.partition, next, fetched.leaderEpoch);
  }
  // Past trailing transaction markers too.
  positions.set(fetched.partition, Math.max(positions.get(fetched.partition) ?? 0, fetched.next));
  return true;
}

async function commit<Assignment>(
  delivery: Delivery<Assignment>,
  current: Assignment,
  partition: number,
  offset: number,
  leaderEpoch: number,
): Promise<void> {
  try {
    await delivery.consumer.commit({
      offsets: [{ topic: delivery.topic, partition, offset: BigInt(offset), leaderEpoch }],
    });
  } catch (error) {
    // The group rebalanced under the batch: whoever owns the partition now resumes from the last
    // commit that went through, so these records are delivered again (at least once).
    if (!delivery.isCurrent(current) || hasKafkaError(error, 'REBALANCE_IN_PROGRESS')) return;
    throw error;
  }
}
