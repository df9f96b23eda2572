// Offsets a subscription handled but has not committed yet, and when to commit them.
import { commitDelivered, type Delivered, type Delivery } from './delivery.ts';

/**
 * Offsets are committed at most every `commitEveryMs` while records flow, at once when a round is idle, and
 * on stopping: one OffsetCommit per fetch cost the broker and this process a request per produce.
 */
export function pendingCommits<Assignment>(delivery: Delivery<Assignment>, commitEveryMs: number) {
  let pending: { assignment: Assignment; delivered: Delivered } | undefined;
  let last = performance.now();
  const flush = async (): Promise<void> => {
    const taken = pending;
    pending = undefined;
    last = performance.now();
    if (taken) await commitDelivered(delivery, taken.assignment, taken.delivered);
  };
  return {
    flush,
    /** The map this assignment's deliveries go to; another assignment's pending offsets are committed first. */
    async of(assignment: Assignment): Promise<Delivered> {
      if (pending && pending.assignment !== assignment) await flush().catch(() => undefined);
      pending ??= { assignment, delivered: new Map() };
      return pending.delivered;
    },
    async afterRound(handled: boolean): Promise<void> {
      if (!handled || performance.now() - last >= commitEveryMs) await flush();
    },
  };
}
