// CoDel (Nichols & Jacobson): overloaded when even the shortest delay stays above target for a whole interval,
// so a burst is served and a standing queue refused.

export interface CodelOptions {
  readonly targetMs: number;
  readonly intervalMs: number;
  readonly now?: () => number;
}

export interface Codel {
  overloaded(delayMs: number): boolean;
}

export function createCodel(options: CodelOptions): Codel {
  const now = options.now ?? (() => performance.now());
  let aboveSince: number | undefined;
  let lastSeen = -Infinity;
  return {
    overloaded(delayMs) {
      const t = now();
      // Samples further apart than an interval say nothing about the time between them.
      if (t - lastSeen > options.intervalMs) aboveSince = undefined;
      lastSeen = t;
      if (delayMs <= options.targetMs) {
        aboveSince = undefined;
        return false;
      }
      aboveSince ??= t;
      return t - aboveSince >= options.intervalMs;
    },
  };
}
