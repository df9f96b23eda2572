// The addresses with a failed sign-in in the current window: the only ones that can be blocked, so the
// only ones whose shared count is worth a round trip. Other instances' failures join within `refreshMs`.

export interface RecentFailuresOptions {
  readonly windowMs: number;
  readonly refreshMs: number;
  /** Addresses with a failure recorded at or after `sinceMs` (the shared clock), and that clock now. */
  fetch(sinceMs: number): Promise<{ readonly nowMs: number; readonly addresses: readonly string[] }>;
  readonly onError?: (error: Error) => void;
  readonly now?: () => number;
}

export interface RecentFailures {
  /** Whether the address failed recently here or, as of at most `refreshMs` ago, anywhere. */
  includes(address: string): Promise<boolean>;
  add(address: string): void;
}

const SWEEP_AT = 10_000;

export function recentFailures(options: RecentFailuresOptions): RecentFailures {
  const { windowMs, refreshMs } = options;
  const now = options.now ?? Date.now;
  const until = new Map<string, number>();
  let refreshedAt = -Infinity;
  let sharedSince = 0;
  let refreshing: Promise<void> | undefined;

  const add = (address: string) => {
    if (until.size >= SWEEP_AT) for (const [key, end] of until) if (end <= now()) until.delete(key);
    until.set(address, now() + windowMs);
  };
  async function refresh(): Promise<void> {
    const startedAt = now();
    try {
      const { nowMs, addresses } = await options.fetch(sharedSince);
      for (const address of addresses) add(address);
      // Overlap by one refresh: a failure written while the last answer was on its way is not missed.
      sharedSince = nowMs - refreshMs;
      refreshedAt = startedAt;
    } catch (error) {
      options.onError?.(error as Error);
    }
  }
  return {
    async includes(address) {
      if (now() - refreshedAt >= refreshMs) {
        refreshing ??= refresh().finally(() => (refreshing = undefined));
        await refreshing;
      }
      return (until.get(address) ?? 0) > now();
    },
    add,
  };
}
