// subscribe(): a member of a real Kafka consumer group (classic protocol, eager round-robin
// assignment done by the group leader, rebalances driven by the broker). The library keeps the
// membership (join, sync, heartbeats, rejoin); this loop owns consumption: it fetches the assigned
// partitions from their start positions, hands over one batch per partition at a time and commits
// the offset after a batch once its handler resolved.
import { ConnectionPool, Consumer, ListOffsetTimestamps } from '@platformatic/kafka';
import type { LogRecord, SubscribeOptions, Subscription } from '../event-log.ts';
import { hasKafkaError, isStaleMetadata } from './errors.ts';
import { fetchPartitions, type FetchedPartition } from './fetch.ts';
import { baseClientOptions, type KafkaSettings } from './options.ts';
import type { TopicCatalog } from './topics.ts';

const DEFAULT_MAX_BATCH = 500;

/** One assignment the group handed this member; replaced on every rebalance. */
interface Generation {
  readonly partitions: readonly number[];
  /** Where each partition continues: its committed offset, else where `from` says. */
  readonly positions: Promise<Map<number, number>>;
}

export async function subscribe(
  settings: KafkaSettings,
  catalog: TopicCatalog,
  options: SubscribeOptions,
): Promise<Subscription> {
  const { group, topic } = options;
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  const consumer = new Consumer({
    ...baseClientOptions(settings, 'consumer'),
    groupId: group,
    sessionTimeout: settings.sessionTimeoutMs,
    heartbeatInterval: settings.heartbeatIntervalMs,
    rebalanceTimeout: settings.rebalanceTimeoutMs,
    autocommit: false,
  });
  // Fetches long-poll for up to pollMs; on their own connections they do not hold up the
  // heartbeats and commits that go to the group coordinator.
  const fetchPool = new ConnectionPool(`${settings.clientId}-fetch`, { requestTimeout: settings.requestTimeoutMs });

  let generation: Generation | undefined;
  let stopping = false;
  let failed = false;
  let closing: Promise<void> | undefined;
  let wake = (): void => {};
  let loop: Promise<void> = Promise.resolve();

  /** Where partitions without a committed offset start: `from`, as a ListOffsets. */
  const resetPositions = async (partitions: readonly number[]): Promise<Map<number, number>> => {
    const offsets = await consumer.listOffsets({
      topics: [topic],
      partitions: { [topic]: [...partitions] },
      timestamp: options.from === 'latest' ? ListOffsetTimestamps.LATEST : ListOffsetTimestamps.EARLIEST,
    });
    const found = offsets.get(topic);
    return new Map(partitions.map((partition) => [partition, Number(found?.[partition] ?? 0n)]));
  };

  const startPositions = async (partitions: readonly number[]): Promise<Map<number, number>> => {
    if (partitions.length === 0) return new Map();
    const committed = await consumer.listCommittedOffsets({ topics: [{ topic, partitions: [...partitions] }] });
    const offsets = committed.get(topic);
    const positions = new Map<number, number>();
    for (const partition of partitions) {
      const offset = offsets?.[partition] ?? -1n; // -1: nothing committed
      if (offset >= 0n) positions.set(partition, Number(offset));
    }
    const unset = partitions.filter((partition) => !positions.has(partition));
    if (unset.length > 0)
      for (const [partition, offset] of await resetPositions(unset)) positions.set(partition, offset);
    return positions;
  };

  consumer.on('consumer:group:join', ({ assignments }) => {
    const partitions = [...(assignments?.find((a) => a.topic === topic)?.partitions ?? [])].sort((a, b) => a - b);
    const positions = startPositions(partitions);
    positions.catch(() => undefined); // awaited (and its failure handled) by the loop
    generation = { partitions, positions };
    wake();
  });
  // Eager protocol: a rebalance revokes every partition until the member has rejoined.
  consumer.on('consumer:group:rebalance', () => {
    generation = undefined;
  });
  // A rejoin that failed for good: the library reports it as an 'error' event.
  consumer.on('error', (error: unknown) => fail(error));

  const idle = (): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, settings.pollMs);
      function done() {
        clearTimeout(timer);
        wake = () => {};
        resolve();
      }
      wake = done;
    });

  let refreshLayout = false;
  const retryWithFreshMetadata = async (): Promise<FetchedPartition[]> => {
    refreshLayout = true;
    await new Promise((resolve) => setTimeout(resolve, settings.retryDelayMs));
    return [];
  };
  /** One long-polling fetch per leader broker; [] (after a pause) when a leader is unknown or moved. */
  const fetchAssigned = async (positions: Map<number, number>): Promise<FetchedPartition[]> => {
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
            maxWaitMs: settings.pollMs,
            maxBytesPerPartition: settings.fetchMaxBytes,
            pool: fetchPool,
          }),
        ),
      );
      return answers.flatMap((answer) => [...answer.values()]);
    } catch (error) {
      if (!isStaleMetadata(error)) throw error;
      return retryWithFreshMetadata(); // a leader moved
    }
  };

  const commit = async (current: Generation, partition: number, offset: number, leaderEpoch: number) => {
    try {
      await consumer.commit({ offsets: [{ topic, partition, offset: BigInt(offset), leaderEpoch }] });
    } catch (error) {
      // The group rebalanced under the batch: whoever owns the partition now resumes from the last
      // commit that went through, so these records are delivered again (at least once).
      if (current !== generation || hasKafkaError(error, 'REBALANCE_IN_PROGRESS')) return;
      throw error;
    }
  };

  /** Hands the fetched records of one partition over in batches; false when it had to stop early. */
  const deliver = async (current: Generation, fetched: FetchedPartition, positions: Map<number, number>) => {
    for (let i = 0; i < fetched.records.length; i += maxBatch) {
      if (stopping || current !== generation) return false;
      const records: LogRecord[] = fetched.records.slice(i, i + maxBatch);
      await options.onBatch({ topic, partition: fetched.partition, records });
      const next = (records.at(-1) as LogRecord).offset + 1;
      positions.set(fetched.partition, next);
      await commit(current, fetched.partition, next, fetched.leaderEpoch);
    }
    // Past trailing transaction markers too.
    positions.set(fetched.partition, Math.max(positions.get(fetched.partition) ?? 0, fetched.next));
    return true;
  };

  const run = async (): Promise<void> => {
    while (!stopping) {
      const current = generation;
      if (!current || current.partitions.length === 0) {
        await idle();
        continue;
      }
      const positions = await current.positions.catch((error: unknown) => {
        if (current === generation) throw error;
      });
      if (!positions || current !== generation) continue;
      for (const fetched of await fetchAssigned(positions)) {
        if (fetched.outOfRange) {
          // The committed offset is gone (retention) or beyond the end: restart where `from` says.
          const reset = await resetPositions([fetched.partition]);
          positions.set(fetched.partition, reset.get(fetched.partition) ?? 0);
          continue;
        }
        if (!(await deliver(current, fetched, positions))) break;
      }
    }
  };

  const shutdown = async (): Promise<void> => {
    stopping = true;
    wake();
    await loop; // the batch in flight finishes and is committed
    generation = undefined;
    try {
      // Leaves the group (LeaveGroup): the partitions are reassigned now, not after the session timeout.
      await consumer.close();
    } finally {
      await fetchPool.close();
    }
  };
  const close = (): Promise<void> => (closing ??= shutdown());

  function fail(error: unknown): void {
    if (failed || closing) return;
    failed = true;
    stopping = true;
    try {
      options.onError?.(error);
    } finally {
      close().catch(() => undefined); // leaving is best effort once the subscription has failed
    }
  }

  consumer.topics.track(topic);
  try {
    await consumer.joinGroup();
  } catch (error) {
    await consumer.close(true).catch(() => undefined);
    await fetchPool.close().catch(() => undefined);
    throw error;
  }
  loop = run().catch(fail);

  return {
    assignment: () => (stopping ? [] : (generation?.partitions ?? [])),
    close,
  };
}
