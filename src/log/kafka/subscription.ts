// The library keeps the group membership; this loop fetches, delivers one batch per partition at a time and
// commits what its handlers resolved at most every commitEveryMs, when idle and when stopping (delivery.ts).
import { ConnectionPool, Consumer } from '@platformatic/kafka';
import type { SubscribeOptions, Subscription } from '../event-log.ts';
import { assignedFetcher } from './assigned-fetch.ts';
import { deliverPartition, type Delivered, type Delivery } from './delivery.ts';
import { pendingCommits } from './pending-commits.ts';
import { baseClientOptions, type KafkaSettings } from './options.ts';
import { startPositions } from './start-positions.ts';
import type { TopicCatalog } from './topics.ts';

const DEFAULT_MAX_BATCH = 500;
/** A shutdown must fit in BSS_SHUTDOWN_TIMEOUT_MS (8 s by default) with the rest of the closers. */
const LEAVE_TIMEOUT_MS = 2000;

interface Generation {
  readonly partitions: readonly number[];
  readonly positions: Promise<Map<number, number>>;
}

export async function subscribe(
  settings: KafkaSettings,
  catalog: TopicCatalog,
  options: SubscribeOptions,
): Promise<Subscription> {
  const { group, topic } = options;
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  const consumer = groupConsumer(settings, group);
  const fetchPool = fetchConnections(settings);

  let generation: Generation | undefined;
  let stopping = false;
  let failed = false;
  let closing: Promise<void> | undefined;
  const nap = napper(settings.pollMs);
  let loop: Promise<void> = Promise.resolve();

  const positionsOf = startPositions(consumer, topic, options.from);

  consumer.on('consumer:group:join', ({ assignments }) => {
    const partitions = assignedPartitions(assignments, topic);
    const positions = positionsOf.start(partitions);
    positions.catch(() => undefined); // awaited (and its failure handled) by the loop
    generation = { partitions, positions };
    nap.wake();
  });
  // Eager protocol: a rebalance revokes every partition until the member has rejoined.
  consumer.on('consumer:group:rebalance', () => {
    generation = undefined;
  });
  consumer.on('error', (error: unknown) => fail(error));

  const fetchAssigned = assignedFetcher(consumer, catalog, topic, settings, fetchPool, options.maxDelayMs);

  const delivery: Delivery<Generation> = {
    consumer,
    topic,
    maxBatch,
    onBatch: options.onBatch,
    isCurrent: (current) => current === generation,
    isStopping: () => stopping,
  };

  const run = () =>
    consume({
      current: () => generation,
      isStopping: () => stopping,
      idle: () => nap.idle(),
      fetchAssigned,
      reset: (partition) => positionsOf.reset([partition]),
      delivery,
      commitEveryMs: settings.commitEveryMs,
    });

  const shutdown = async (): Promise<void> => {
    stopping = true;
    nap.wake();
    await loop; // the batch in flight finishes and is committed
    generation = undefined;
    try {
      // LeaveGroup: the partitions are reassigned now, not after the session timeout. A leave queued behind
      // a join the broker holds until the group settles may wait for the rebalance timeout: then not.
      await leaveWithin(consumer, LEAVE_TIMEOUT_MS);
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

  await joinOrClose(consumer, fetchPool, topic);
  loop = run().catch(fail);

  return {
    assignment: () => (stopping ? [] : (generation?.partitions ?? [])),
    close,
  };
}

interface ConsumeParts {
  current(): Generation | undefined;
  isStopping(): boolean;
  idle(): Promise<void>;
  fetchAssigned: ReturnType<typeof assignedFetcher>;
  reset(partition: number): Promise<Map<number, number>>;
  delivery: Delivery<Generation>;
  commitEveryMs: number;
}

async function consume(parts: ConsumeParts): Promise<void> {
  const { current, isStopping, idle, delivery, commitEveryMs } = parts;
  const commits = pendingCommits(delivery, commitEveryMs);
  try {
    while (!isStopping()) {
      const generation = current();
      if (!generation || generation.partitions.length === 0) {
        await commits.flush().catch(() => undefined); // revoked: the new owner resumes from the last commit
        await idle();
        continue;
      }
      const positions = await generation.positions.catch((error: unknown) => {
        if (generation === current()) throw error;
      });
      if (!positions || generation !== current()) continue;
      const delivered = await commits.of(generation);
      await commits.afterRound(await consumeRound(parts, generation, positions, delivered));
    }
  } catch (error) {
    // What was handled before the failure is not delivered again; the failure itself stops the loop.
    await commits.flush().catch(() => undefined);
    throw error;
  }
  await commits.flush();
}

/** One fetch of the assigned partitions, delivered; true when it handed any record to the subscriber. */
async function consumeRound(
  { fetchAssigned, reset, delivery }: ConsumeParts,
  generation: Generation,
  positions: Map<number, number>,
  delivered: Delivered,
): Promise<boolean> {
  let handled = false;
  for (const fetched of await fetchAssigned(positions)) {
    if (fetched.outOfRange) {
      // The committed offset is gone (retention) or beyond the end: restart where `from` says.
      const restarted = await reset(fetched.partition);
      positions.set(fetched.partition, restarted.get(fetched.partition) ?? 0);
      continue;
    }
    handled ||= fetched.records.length > 0;
    if (!(await deliverPartition(delivery, generation, fetched, positions, delivered))) break;
  }
  return handled;
}

/** Own connections: long polls must not hold up heartbeats and commits. */
function fetchConnections(settings: KafkaSettings): ConnectionPool {
  return new ConnectionPool(`${settings.clientId}-fetch`, { requestTimeout: settings.requestTimeoutMs });
}

async function joinOrClose(consumer: Consumer, fetchPool: ConnectionPool, topic: string): Promise<void> {
  consumer.topics.track(topic);
  try {
    await consumer.joinGroup();
  } catch (error) {
    await consumer.close(true).catch(() => undefined);
    await fetchPool.close().catch(() => undefined);
    throw error;
  }
}

function assignedPartitions(
  assignments: ReadonlyArray<{ topic: string; partitions: readonly number[] }> | undefined,
  topic: string,
): number[] {
  return [...(assignments?.find((a) => a.topic === topic)?.partitions ?? [])].sort((a, b) => a - b);
}

function groupConsumer(settings: KafkaSettings, group: string): Consumer {
  return new Consumer({
    ...baseClientOptions(settings, 'consumer'),
    groupId: group,
    sessionTimeout: settings.sessionTimeoutMs,
    heartbeatInterval: settings.heartbeatIntervalMs,
    rebalanceTimeout: settings.rebalanceTimeoutMs,
    autocommit: false,
  });
}

function napper(pollMs: number): { idle(): Promise<void>; wake(): void } {
  let wake = (): void => {};
  return {
    idle: () =>
      new Promise((resolve) => {
        const timer = setTimeout(done, pollMs);
        function done() {
          clearTimeout(timer);
          wake = () => {};
          resolve();
        }
        wake = done;
      }),
    wake: () => wake(),
  };
}

/** false: the leave did not answer in time; the broker drops the member after its session timeout. */
async function leaveWithin(consumer: Consumer, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    const leaving = consumer.close().then(() => true);
    leaving.catch(() => undefined); // a failure after the deadline is nobody's to handle
    return await Promise.race([leaving, late]);
  } finally {
    clearTimeout(timer);
  }
}
