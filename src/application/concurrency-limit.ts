// Gradient2 (Netflix concurrency-limits): the limit follows the window's average latency RELATIVE to its
// own long-run average, so a uniformly slower machine is not read as overload; only a rise above it is.

export interface ConcurrencyLimitOptions {
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

/** Short latency up to this multiple of the long one is not queueing. */
const TOLERANCE = 2;
/** The long latency is an exponential average over about this many windows (Netflix's 600; 10 min of 1 s)... */
const LONG_WINDOWS = 600;
/** ...a plain average over the first ones, so it starts at the machine's own latency. */
const WARMUP_WINDOWS = 10;
/** Share of each new estimate taken into the limit. */
const SMOOTHING = 0.2;

/** Gradient2's long-term latency: ratio > 2 means a slow period just ended, so it comes down faster. */
function longLatency() {
  let value = 0;
  let count = 0;
  return (short: number) => {
    count += 1;
    value =
      count <= WARMUP_WINDOWS ? value + (short - value) / count : value + ((short - value) * 2) / (LONG_WINDOWS + 1);
    if (value / short > 2) value *= 0.95;
    return value;
  };
}

export function createConcurrencyLimit(options: ConcurrencyLimitOptions): ConcurrencyLimit {
  const now = options.now ?? (() => performance.now());
  const long = longLatency();
  let limit = options.initial;
  let inFlight = 0;
  let windowStart = now();
  let sum = 0;
  let samples = 0;
  // A limit never half used is neither grown nor cut: its latency says nothing about concurrency.
  let peak = 0;

  const update = (short: number) => {
    const gradient = Math.max(0.5, Math.min(1, (TOLERANCE * long(short)) / Math.max(short, 1e-3)));
    if (peak < limit / 2) return;
    const estimate = limit * gradient + Math.sqrt(limit);
    limit = Math.max(options.min, Math.min(options.max, limit * (1 - SMOOTHING) + estimate * SMOOTHING));
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
      sum += t - startedAt;
      samples += 1;
      if (t - windowStart < options.windowMs || samples < options.windowSamples) return;
      update(sum / samples);
      sum = 0;
      samples = 0;
      windowStart = t;
      peak = inFlight;
    },
    limit: () => Math.floor(limit),
    inFlight: () => inFlight,
  };
}
