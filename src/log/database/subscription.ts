// One member of a consumer group on the database log. A single loop per subscription rebalances
// (between batches, so a partition is never handed over mid-batch), then delivers one batch per owned
// partition that has records, commits, and sleeps until an append is notified or the poll interval
// passes. A timer renews the member's leases while a batch runs, so a slow handler keeps its partitions.
// No database transaction is held while the handler runs: with PGlite's single connection a handler
// that queries the database would otherwise wait for itself.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/db.ts';
import type { SubscribeOptions, Subscription } from '../event-log.ts';
import { commitAsOwner, committedOffsets } from './committed-offsets.ts';
import { createMembership } from './group-membership.ts';
import { partitionOffsets, readRecords } from './records.ts';
import { partitionCount } from './topics.ts';
import type { Wakeups } from './wakeups.ts';

export interface SubscriptionTiming {
  readonly heartbeatMs: number;
  readonly sessionTimeoutMs: number;
  readonly pollMs: number;
}

export interface RunningSubscription extends Subscription {
  /** Settles when the subscription has stopped and left the group, whether closed or failed. */
  readonly stopped: Promise<void>;
}

const DEFAULT_MAX_BATCH = 500;

/** Wraps the handler's rejection so the loop tells it apart from a database error. */
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
  /** Owned partition → the next offset to deliver. Only the loop changes it. */
  const owned = new Map<number, number>();
  const abort = new AbortController();
  let running = true;

  let renewedAt = 0;
  async function renew(): Promise<Set<number>> {
    const held = await membership.heartbeat();
    renewedAt = Date.now();
    return held;
  }

  async function rebalance(): Promise<void> {
    const held = await renew();
    // A lease lost while the loop stalled past the session timeout now belongs to another member.
    for (const partition of owned.keys()) if (!held.has(partition)) owned.delete(partition);
    const share = await membership.share(partitions);
    if (owned.size > share) {
      const surplus = [...owned.keys()].sort((a, b) => b - a).slice(0, owned.size - share);
      await membership.release(surplus);
      for (const partition of surplus) owned.delete(partition);
    } else if (owned.size < share) {
      const claimed = await membership.claim(share - owned.size);
      if (claimed.length > 0) await startAt(claimed);
    }
  }

  /** Where newly claimed partitions resume: the group's committed offset, else `from`. */
  async function startAt(claimed: readonly number[]): Promise<void> {
    const [committed, bounds] = await Promise.all([committedOffsets(db, group, topic), partitionOffsets(db, topic)]);
    for (const partition of claimed) {
      const bound = bounds.find((b) => b.partition === partition);
      let next = committed.get(partition) ?? null;
      if (next === null && options.from === 'latest') {
        next = bound?.end ?? 0;
        // Committed at once, so records appended before a later handover are not skipped as history.
        if (!(await commitAsOwner(db, group, topic, membership.member, { partition, offset: next }))) continue;
      }
      owned.set(partition, next ?? bound?.start ?? 0);
    }
  }

  /** One batch for each owned partition that has records; false when there was nothing to deliver. */
  async function deliver(): Promise<boolean> {
    if (owned.size === 0) return false;
    const ends = new Map((await partitionOffsets(db, topic)).map((o) => [o.partition, o.end]));
    let delivered = false;
    for (const [partition, position] of owned) {
      if (!running) break;
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

  /** Runs until closed (resolves undefined) or failed (resolves { error }). */
  async function loop(): Promise<{ error: unknown } | undefined> {
    let nextRebalance = Date.now() + timing.heartbeatMs;
    let failingSince: number | undefined;
    while (running) {
      const version = wakeups.version(topic);
      try {
        if (Date.now() >= nextRebalance) {
          await rebalance();
          nextRebalance = Date.now() + timing.heartbeatMs;
        }
        const delivered = await deliver();
        failingSince = undefined;
        if (delivered) continue;
        const untilRebalance = Math.max(0, nextRebalance - Date.now());
        await wakeups.wait(topic, version, Math.min(timing.pollMs, untilRebalance), abort.signal);
      } catch (error) {
        if (error instanceof HandlerFailed) return { error: error.error };
        // The database is unreachable: keep trying for as long as the leases would last anyway.
        failingSince ??= Date.now();
        if (Date.now() - failingSince >= timing.sessionTimeoutMs) return { error };
        await wakeups.wait(topic, wakeups.version(topic), timing.pollMs, abort.signal);
      }
    }
    return undefined;
  }

  try {
    await rebalance();
  } catch (error) {
    await membership.leave().catch(() => {});
    throw error;
  }

  // The loop renews at every rebalance; this timer renews only when the loop is busy in a long batch.
  let beat: Promise<unknown> | undefined;
  const heartbeat = setInterval(() => {
    if (Date.now() - renewedAt < timing.heartbeatMs) return;
    beat ??= renew()
      .catch(() => {}) // the loop notices an unreachable database and stops the subscription
      .finally(() => (beat = undefined));
  }, timing.heartbeatMs / 2);

  const stopped = loop().then(async (failure) => {
    running = false;
    clearInterval(heartbeat);
    await beat;
    owned.clear();
    await membership.leave().catch(() => {}); // if this fails too, the leases expire on their own
    if (failure) {
      try {
        options.onError?.(failure.error);
      } catch {
        // A throwing onError must not become an unhandled rejection; the subscription is stopped anyway.
      }
    }
  });

  return {
    stopped,
    assignment: () => [...owned.keys()].sort((a, b) => a - b),
    async close() {
      running = false;
      abort.abort();
      await stopped;
    },
  };
}
