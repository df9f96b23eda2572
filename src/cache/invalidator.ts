// An invalidation that could not reach Redis marks L2 dirty: it is dropped whole once Redis answers.
import type { InvalidateOptions, InvalidationSource, InvalidationTarget } from './cache.ts';
import type { CacheCore } from './core.ts';

interface Broadcast {
  readonly from: string;
  readonly at: number;
  readonly k: readonly string[];
  readonly t: readonly string[];
}

const BROADCAST_CHANNEL = 'invalidate';

export interface Invalidator {
  invalidate(target: InvalidationTarget, source: InvalidationSource, opts?: InvalidateOptions): Promise<void>;
  repairL2(): Promise<void>;
}

export function createInvalidator(core: CacheCore, instance: string): Invalidator {
  const { l1, l2, rec, flights, now } = core;
  let l2Dirty = false;

  function applyLocal(keys: readonly string[], tags: readonly string[]) {
    l1.invalidate(keys, tags);
    flights.forget(keys, tags);
  }

  async function repairL2() {
    if (!l2Dirty || !l2?.isReady) return;
    l2Dirty = false;
    if (!(await core.safely('invalidate', false, async (r) => (await r.bumpEpoch(), true)))) l2Dirty = true;
  }

  async function invalidate(target: InvalidationTarget, source: InvalidationSource, opts: InvalidateOptions = {}) {
    const keys = target.keys ?? [];
    const tags = target.tags ?? [];
    if (keys.length === 0 && tags.length === 0) return;
    // L1 now (read-your-write), Redis, then L1 again: a load that read Redis's old generations misses.
    applyLocal(keys, tags);
    let broadcast: Promise<unknown> | undefined;
    if (l2 && source !== 'broadcast' && !opts.localOnly) {
      const invalidated = core.safely('invalidate', false, async (r) => (await r.invalidate(keys, tags), true));
      // Only local writes need broadcasting; same round trip as the script, so nobody hears before Redis changed.
      if (source === 'write') {
        const message: Broadcast = { from: instance, at: opts.committedAt ?? now(), k: keys, t: tags };
        broadcast = core.safely('broadcast', undefined, (r) => r.publish(BROADCAST_CHANNEL, JSON.stringify(message)));
      }
      if (!(await invalidated)) l2Dirty = true;
      else await repairL2(); // an earlier failure without a reconnect (a timeout) is repaired here
      applyLocal(keys, tags);
    }
    rec.invalidation(source);
    if (opts.committedAt !== undefined) rec.invalidationLag(source, (now() - opts.committedAt) / 1000);
    await broadcast;
  }

  return { invalidate, repairL2 };
}

export function subscribeToBroadcasts(
  core: CacheCore,
  instance: string,
  invalidate: Invalidator['invalidate'],
  flushLocal: () => void,
): void {
  const { l1, l2, rec } = core;
  if (!l2) return;
  // Not tracked: close() need not wait for a subscription that Redis being down holds up.
  void l2.subscribe(
    BROADCAST_CHANNEL,
    (raw) => {
      let message: Broadcast;
      try {
        message = JSON.parse(raw) as Broadcast;
      } catch {
        return rec.error('broadcast');
      }
      if (message.from === instance) return;
      core.track(invalidate({ keys: message.k, tags: message.t }, 'broadcast', { committedAt: message.at }));
    },
    (first) => {
      if (!first || l1.size > 0) flushLocal();
    },
  );
}
