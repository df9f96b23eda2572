// An adaptive limit on the requests in progress (the gradient family of Netflix's concurrency-limits
// and Envoy's adaptive concurrency): each window, the limit grows by √limit while the window's p90
// latency stays under the target and the limit was used, and shrinks by target / p90 (at most by
// half) when it does not. Requests past the limit are refused at once: when the process is
// CPU-bound, what it admits stays fast and a refusal never waits behind a queue of admitted work.
// Latency is measured in the process (request seen → answer sent), so it includes every event-loop
// turn an admitted request waits for, which the queue signals (codel.ts) do not see. It never shrinks
// below the best recent throughput × the target (Little's law): refusals cost CPU too, and a limit
// that chased latency they caused would trade goodput for refusals. A window of
// few samples or an unused limit moves nothing down, and an unused limit returns to the initial one:
// a few slow requests at low load do not leave a small limit behind for the next burst.

export interface ConcurrencyLimitOptions {
  /** The p90 latency (ms) admitted requests should keep. */
  readonly targetMs: number;
  readonly initial: number;
  readonly min: number;
  readonly max: number;
  /** A sampling window lasts at least this long (ms) and this many requests; the limit moves once per window. */
  readonly windowMs: number;
  readonly windowSamples: number;
  readonly now?: () => number;
}

export interface ConcurrencyLimit {
  /** undefined: refused; otherwise when the request started, for `release`, which must follow when it ends. */
  tryAcquire(): number | undefined;
  /** A request that began at `startedAt` (the options' clock) ended. */
  release(startedAt: number): void;
  limit(): number;
  inFlight(): number;
}

/** How fast the best throughput seen is forgotten: halved in about 350 windows (35 s of 100 ms). */
const BEST_DECAY = 0.998;

/** The p90 of samples (sorts them in place). */
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
  // The most requests in progress at once in this window: a limit never reached is not grown.
  let peak = 0;
  // The most requests answered per ms in a window, fading by BEST_DECAY a window: a lasting loss of
  // capacity (the database slower) is CoDel's to refuse (codel.ts), not a reason to cut concurrency.
  let best = 0;

  const update = (p: number, perMs: number) => {
    const used = peak >= limit / 2;
    // Never below what carries the best recent throughput at the target latency (Little's law): when
    // latency rises because refusals take the CPU, shrinking further would only cut goodput.
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
