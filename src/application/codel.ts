// CoDel (Controlled Delay, Nichols & Jacobson; the adaptive queue management of Facebook's and Kafka's
// servers): a queue is overloaded when even its shortest delay stays above the target for a whole
// interval. A burst drains within the interval and is served; a standing queue is not, and work offered
// to it is refused at once instead of waiting until its client gives up. A delay back under the target
// ends the overload at once.

export interface CodelOptions {
  readonly targetMs: number;
  readonly intervalMs: number;
  readonly now?: () => number;
}

export interface Codel {
  /** Given the queueing delay seen now: whether new work should be refused. */
  overloaded(delayMs: number): boolean;
}

export function createCodel(options: CodelOptions): Codel {
  const now = options.now ?? (() => performance.now());
  // Since when every delay seen was above the target (undefined: the last one was not).
  let aboveSince: number | undefined;
  let lastSeen = -Infinity;
  return {
    overloaded(delayMs) {
      const t = now();
      // Samples further apart than an interval say nothing about the time between them: start again.
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
