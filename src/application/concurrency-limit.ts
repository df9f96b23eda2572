// Gradient concurrency (Netflix, Envoy): grow by √limit while the window's p90 is under target, else shrink by
// target / p90; never below best throughput × target (Little's law): chasing refusals cuts goodput too.

export interface ConcurrencyLimitOptions {
  readonly targetMs: number;
  readonly initial: number;
  readonly min: number;
  readonly max: number;
  /** At least this long and this many requests; the limit moves once per window. */
  readonly windowMs: number;
  readonly windowSamples: number;
  readonly now?: () => number;
}

export interface ConcurrencyLimit {
  /** undefined: refused; otherwise the start time `release` must receive. */
  tryAcquire(): number | undefined;
  release(startedAt: number): void;
  limit(): number;
  inFlight(): number;
}

/** Halved in about 350 windows (35 s of 100 ms). */
const BEST_DECAY = 0.998;

function p90(samples: number[]): number {
  samples.sort((a, b) => a - b);
  return samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.9))] as number;
}

export function createConcurrencyLimit(options: ConcurrencyLimitOptions): ConcurrencyLimit {
  const now = options.now ?? (() => performance.now());
  let limit = options.initial;
  let inFlight = 0;
  let windowStart = now();
  let samples: number[] = [];
  // A limit never reached is not grown.
  let peak = 0;
  // Fades per window: a lasting loss of capacity is CoDel's to refuse, not a reason to cut concurrency.
  let best = 0;

  const update = (p: number, perMs: number) => {
    const used = peak >= limit / 2;
    best = Math.max(best * BEST_DECAY, perMs);
    const floor = Math.max(options.min, best * options.targetMs);
    if (p > options.targetMs && used)
      limit = Math.max(Math.min(limit, floor), limit * Math.max(0.5, options.targetMs / p));
    else if (p <= options.targetMs)
      limit = used ? Math.min(options.max, limit + Math.sqrt(limit)) : Math.max(limit, options.initial);
  };

  return {
    tryAcquire() {
      if (inFlight >= Math.floor(limit)) return undefined;
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      return now();
    },
    release(startedAt) {
      inFlight = Math.max(0, inFlight - 1);
      const t = now();
      samples.push(t - startedAt);
      if (t - windowStart < options.windowMs || samples.length < options.windowSamples) return;
      update(p90(samples), samples.length / (t - windowStart));
      samples = [];
      windowStart = t;
      peak = inFlight;
    },
    limit: () => Math.floor(limit),
    inFlight: () => inFlight,
  };
}
