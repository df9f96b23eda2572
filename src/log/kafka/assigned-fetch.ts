// A leader unknown or moved: [] after a pause and fresh metadata next time.
import type { ConnectionPool, Consumer } from '@platformatic/kafka';
import { isStaleMetadata } from './errors.ts';
import { fetchPartitions, type FetchedPartition } from './fetch.ts';
import type { KafkaSettings } from './options.ts';
import type { TopicCatalog } from './topics.ts';

const GATHER_BYTES = 64 * 1024;

export type FetchAssigned = (positions: Map<number, number>) => Promise<FetchedPartition[]>;

export function assignedFetcher(
  consumer: Consumer,
  catalog: TopicCatalog,
  topic: string,
  settings: KafkaSettings,
  pool: ConnectionPool,
  maxDelayMs?: number,
): FetchAssigned {
  // A delay to spare: the broker holds the fetch until GATHER_BYTES are in or the delay is up.
  const wait = maxDelayMs ? { maxWaitMs: maxDelayMs, minBytes: GATHER_BYTES } : { maxWaitMs: settings.pollMs };
  let refreshLayout = false;
  const retryWithFreshMetadata = async (): Promise<FetchedPartition[]> => {
    refreshLayout = true;
    await new Promise((resolve) => setTimeout(resolve, settings.retryDelayMs));
    return [];
  };
  return async (positions) => {
    const layout = await catalog.layout(topic, refreshLayout);
    refreshLayout = false;
    const byLeader = new Map<number, Array<{ partition: number; offset: number }>>();
    for (const [partition, offset] of positions) {
      const leader = layout.leaders[partition] ?? -1;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), { partition, offset }]);
    }
    if (byLeader.has(-1)) return retryWithFreshMetadata(); // no leader elected yet (broker restart, reassignment)
    try {
      const answers = await Promise.all(
        [...byLeader].map(([node, partitions]) =>
          fetchPartitions(consumer, {
            topic,
            topicId: layout.id,
            node,
            partitions,
            ...wait,
            maxBytesPerPartition: settings.fetchMaxBytes,
            pool,
          }),
        ),
      );
      return answers.flatMap((answer) => [...answer.values()]);
    } catch (error) {
      if (!isStaleMetadata(error)) throw error;
      return retryWithFreshMetadata(); // a leader moved
    }
  };
}
