// Past `max` failed sign-ins in one window an address waits for the window's end whatever it sends, so
// guessing keys gains nothing.

export interface SignInLimit {
  /** Failed sign-ins an address may make per window; 0 = no limit. */
  readonly max: number;
  readonly windowMs: number;
}

export interface SignInFailures {
  /** Milliseconds until this address may sign in again; 0 while it is under the limit. */
  blockedFor(address: string): Promise<number>;
  record(address: string): Promise<void>;
}

const SWEEP_AT = 10_000;

export function createMemorySignInFailures(limit: SignInLimit, now: () => number = Date.now): SignInFailures {
  const windows = new Map<string, { count: number; endsAt: number }>();
  const current = (address: string) => {
    const window = windows.get(address);
    return window && window.endsAt > now() ? window : undefined;
  };
  return {
    async blockedFor(address) {
      const window = current(address);
      return window && window.count >= limit.max ? window.endsAt - now() : 0;
    },
    async record(address) {
      const window = current(address);
      if (window) {
        window.count += 1;
        return;
      }
      if (windows.size >= SWEEP_AT) for (const [key, w] of windows) if (w.endsAt <= now()) windows.delete(key);
      windows.set(address, { count: 1, endsAt: now() + limit.windowMs });
    },
  };
}
