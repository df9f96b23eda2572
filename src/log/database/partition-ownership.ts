import type { Db } from '../../store/db.ts';
import { commitAsOwner, committedOffsets } from './committed-offsets.ts';
import type { Membership } from './group-membership.ts';
import { partitionOffsets } from './records.ts';

export interface PartitionOwnership {
  /** Only the subscription's loop changes it. */
  readonly owned: Map<number, number>;
  renew(): Promise<Set<number>>;
  renewedAt(): number;
  rebalance(): Promise<void>;
}

export function createPartitionOwnership(
  db: Db,
  membership: Membership,
  target: { group: string; topic: string; from?: 'earliest' | 'latest' | undefined },
  partitions: number,
): PartitionOwnership {
  const { group, topic } = target;
  const owned = new Map<number, number>();
  let renewedAt = 0;

  async function renew(): Promise<Set<number>> {
    const held = await membership.heartbeat();
    renewedAt = Date.now();
    return held;
  }

  async function startAt(claimed: readonly number[]): Promise<void> {
    const [committed, bounds] = await Promise.all([committedOffsets(db, group, topic), partitionOffsets(db, topic)]);
    for (const partition of claimed) {
      const bound = bounds.find((b) => b.partition === partition);
      let next = committed.get(partition) ?? null;
      if (next === null && target.from === 'latest') {
        next = bound?.end ?? 0;
        // Committed at once, so records appended before a later handover are not skipped as history.
        if (!(await commitAsOwner(db, group, topic, membership.member, { partition, offset: next }))) continue;
      }
      owned.set(partition, next ?? bound?.start ?? 0);
    }
  }

  return {
    owned,
    renew,
    renewedAt: () => renewedAt,
    async rebalance() {
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
    },
  };
}
