// A shared per-caller count taken in leases: an instance reserves a slice of the window's budget in one
// round trip and hands it out locally. Only reserved counts are handed out, so no caller gets past
// `max`; an unused slice can only refuse a caller early, by at most max / LEASE_DIVISOR per instance.

/** Reserves `tokens` counts in the caller's current window: the count after it and the window's ms left. */
export type Reserve = (key: string, tokens: number, windowMs: number) => Promise<{ count: number; ttl: number }>;

export const LEASE_DIVISOR = 20;
/** Expired leases are dropped once this many callers hold one. */
const SWEEP_AT = 10_000;

interface Lease {
  next: number;
  last: number;
  exhausted: boolean;
  endsAt: number;
}

export function leasedCounter(reserve: Reserve, now: () => number = Date.now) {
  const leases = new Map<string, Lease>();
  const reserving = new Map<string, Promise<void>>();

  async function take(key: string, windowMs: number, max: number): Promise<void> {
    const tokens = Math.max(1, Math.floor(max / LEASE_DIVISOR));
    const { count, ttl } = await reserve(key, tokens, windowMs);
    if (leases.size >= SWEEP_AT) for (const [k, l] of leases) if (l.endsAt <= now()) leases.delete(k);
    leases.set(key, {
      next: count - tokens + 1,
      last: Math.min(count, max),
      exhausted: count >= max,
      endsAt: now() + ttl,
    });
  }

  /** The caller's count including this request (above `max`: refuse), and the window's ms left. */
  return async function increment(
    key: string,
    windowMs: number,
    max: number,
  ): Promise<{ current: number; ttl: number }> {
    for (;;) {
      const lease = leases.get(key);
      const left = (lease?.endsAt ?? 0) - now();
      if (lease && left > 0) {
        if (lease.next <= lease.last) return { current: lease.next++, ttl: left };
        if (lease.exhausted) return { current: max + 1, ttl: left };
      }
      let pending = reserving.get(key);
      if (!pending) {
        pending = take(key, windowMs, max).finally(() => reserving.delete(key));
        reserving.set(key, pending);
      }
      await pending;
    }
  };
}
