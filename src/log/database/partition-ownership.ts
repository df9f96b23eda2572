// Which partitions of a topic this member of a group owns on the database log, and where each
// resumes. Rebalancing renews the member's leases, drops partitions whose lease was lost, releases
// the surplus over the member's fair share and claims what it lacks.
import type { Db } from '../../store/db.ts';
import { commitAsOwner, committedOffsets } from './committed-offsets.ts';
import type { Membership } from './group-membership.ts';
import { partitionOffsets } from './records.ts';

export interface PartitionOwnership {
  /** Owned partition → the next offset to deliver. Only the subscription's loop changes it. */
  readonly owned: Map<number, number>;
  /** Renews the member's leases; the partitions it still holds. */
  renew(): Promise<Set<number>>;
  /** When the leases were last renewed (ms). */
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

  /** Where newly claimed partitions resume: the group's committed offset, else `from`. */
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
