// Rebalances between batches, so a partition is never handed over mid-batch. No transaction is held while the
// handler runs: with PGlite's single connection a handler that queries would wait for itself.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/db.ts';
import type { SubscribeOptions, Subscription } from '../event-log.ts';
import { commitAsOwner } from './committed-offsets.ts';
import { createMembership, type Membership } from './group-membership.ts';
import { createPartitionOwnership, type PartitionOwnership } from './partition-ownership.ts';
import { partitionOffsets, readRecords } from './records.ts';
import { partitionCount } from './topics.ts';
import type { Wakeups } from './wakeups.ts';

export interface SubscriptionTiming {
  readonly heartbeatMs: number;
  readonly sessionTimeoutMs: number;
  readonly pollMs: number;
}

export interface RunningSubscription extends Subscription {
  readonly stopped: Promise<void>;
}

const DEFAULT_MAX_BATCH = 500;

/** Tells the handler's rejection apart from a database error. */
class HandlerFailed {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

export async function startSubscription(
  db: Db,
  wakeups: Wakeups,
  timing: SubscriptionTiming,
  options: SubscribeOptions,
): Promise<RunningSubscription> {
  const { group, topic } = options;
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError(`maxBatch must be ≥ 1, got ${maxBatch}`);
  const partitions = await partitionCount(db, topic);
  const membership = createMembership(db, group, topic, randomUUID(), timing.sessionTimeoutMs);
  const ownership = createPartitionOwnership(db, membership, options, partitions);
  const abort = new AbortController();
  const state = { running: true };

  try {
    await ownership.rebalance();
  } catch (error) {
    await membership.leave().catch(() => {});
    throw error;
  }

  // Renews only while the loop is busy in a long batch; the loop renews at every rebalance.
  let beat: Promise<unknown> | undefined;
  const heartbeat = setInterval(() => {
    if (Date.now() - ownership.renewedAt() < timing.heartbeatMs) return;
    beat ??= ownership
      .renew()
      .catch(() => {}) // the loop notices an unreachable database and stops the subscription
      .finally(() => (beat = undefined));
  }, timing.heartbeatMs / 2);

  const deliver = () => deliverOwned(db, membership, ownership, options, maxBatch, state);
  const stopped = loop(wakeups, timing, topic, ownership, deliver, state, abort.signal).then(async (failure) => {
    state.running = false;
    clearInterval(heartbeat);
    await beat;
    ownership.owned.clear();
    await membership.leave().catch(() => {}); // if this fails too, the leases expire on their own
    if (failure) {
      try {
        options.onError?.(failure.error);
      } catch {
        // A throwing onError must not become an unhandled rejection.
      }
    }
  });

  return {
    stopped,
    assignment: () => [...ownership.owned.keys()].sort((a, b) => a - b),
    async close() {
      state.running = false;
      abort.abort();
      await stopped;
    },
  };
}

async function deliverOwned(
  db: Db,
  membership: Membership,
  { owned }: PartitionOwnership,
  options: SubscribeOptions,
  maxBatch: number,
  state: { readonly running: boolean },
): Promise<boolean> {
  const { group, topic } = options;
  if (owned.size === 0) return false;
  const ends = new Map((await partitionOffsets(db, topic)).map((o) => [o.partition, o.end]));
  let delivered = false;
  for (const [partition, position] of owned) {
    if (!state.running) break;
    if ((ends.get(partition) ?? 0) <= position) continue;
    const records = await readRecords(db, topic, partition, position, { max: maxBatch });
    const last = records.at(-1);
    if (!last) continue;
    try {
      await options.onBatch({ topic, partition, records });
    } catch (error) {
      throw new HandlerFailed(error);
    }
    const next = { partition, offset: last.offset + 1 };
    if (await commitAsOwner(db, group, topic, membership.member, next)) owned.set(partition, next.offset);
    else owned.delete(partition);
    delivered = true;
  }
  return delivered;
}

async function loop(
  wakeups: Wakeups,
  timing: SubscriptionTiming,
  topic: string,
  ownership: PartitionOwnership,
  deliver: () => Promise<boolean>,
  state: { readonly running: boolean },
  signal: AbortSignal,
): Promise<{ error: unknown } | undefined> {
  let nextRebalance = Date.now() + timing.heartbeatMs;
  let failingSince: number | undefined;
  while (state.running) {
    const version = wakeups.version(topic);
    try {
      if (Date.now() >= nextRebalance) {
        await ownership.rebalance();
        nextRebalance = Date.now() + timing.heartbeatMs;
      }
      const delivered = await deliver();
      failingSince = undefined;
      if (delivered) continue;
      const untilRebalance = Math.max(0, nextRebalance - Date.now());
      await wakeups.wait(topic, version, Math.min(timing.pollMs, untilRebalance), signal);
    } catch (error) {
      if (error instanceof HandlerFailed) return { error: error.error };
      // Keep trying for as long as the leases would last anyway.
      failingSince ??= Date.now();
      if (Date.now() - failingSince >= timing.sessionTimeoutMs) return { error };
      await wakeups.wait(topic, wakeups.version(topic), timing.pollMs, signal);
    }
  }
  return undefined;
}
