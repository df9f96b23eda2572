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

/** False when it had to stop early (rebalance, stopping). */
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
    // Rebalanced under the batch: the new owner resumes from the last commit (at least once).
    if (!delivery.isCurrent(current) || hasKafkaError(error, 'REBALANCE_IN_PROGRESS')) return;
    throw error;
  }
}
