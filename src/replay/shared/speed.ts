import { badReplayRequest } from './errors.ts';

// Replay speeds and the clock that applies them. Pacing follows the GLOBAL timeline: the gap between
// two events of different partitions is kept too, so a replay looks like the original traffic.
export const REPLAY_SPEEDS = ['REAL_TIME', 'FAST', 'ULTRA_FAST', 'MAX', 'STEP_BY_STEP'] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

/** How many times faster than the original: Infinity = no waiting; 0 = only explicit steps. */
export function speedFactor(speed: ReplaySpeed): number {
  switch (speed) {
    case 'REAL_TIME':
      return 1;
    case 'FAST':
      return 10;
    case 'ULTRA_FAST':
      return 100;
    case 'MAX':
      return Number.POSITIVE_INFINITY;
    case 'STEP_BY_STEP':
      return 0;
  }
}

export const isPaced = (speed: ReplaySpeed): boolean =>
  speed === 'REAL_TIME' || speed === 'FAST' || speed === 'ULTRA_FAST';

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

/**
 * Node fires a timer longer than 2^31 − 1 ms (~24.8 days) at once (TimeoutOverflowWarning), which
 * would skip a quiet gap of a paced replay: longer waits are chained timers of at most this.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Resolves after `ms` (any length), rejects with Cancelled when `signal` aborts first. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw new Cancelled();
  const due = Date.now() + ms;
  for (let left = ms; left > 0; left = due - Date.now()) await sleepAtMost(Math.min(left, MAX_TIMER_MS), signal);
}

function sleepAtMost(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      reject(new Cancelled());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', done);
      resolve();
    }, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Maps record time to wall time: an event at record time `t` is due at
 * wallStart + (t − anchor) / factor. Waiting is measured against the wall clock each time, so
 * small delays (a slow handler, timer jitter) do not add up over a long replay.
 */
export interface Pacer {
  /** Waits until the record time `timestamp` is due. */
  until(timestamp: number, signal: AbortSignal): Promise<void>;
  /** Starts the clock again so that `timestamp` is due now (after a pause). */
  reanchor(timestamp: number): void;
}

export function createPacer(speed: ReplaySpeed, anchor: number | undefined): Pacer {
  const factor = speedFactor(speed);
  let origin = anchor;
  let wallStart = Date.now();
  return {
    async until(timestamp, signal) {
      if (!Number.isFinite(factor) || factor <= 0) return;
      origin ??= timestamp;
      await sleep(wallStart + (timestamp - origin) / factor - Date.now(), signal);
    },
    reanchor(timestamp) {
      origin = timestamp;
      wallStart = Date.now();
    },
  };
}

/**
 * Permits for stepping (STEP_BY_STEP, or a paused job): while stepping, take() waits for a permit;
 * step(n) grants n and resolves once n events have been taken AND finished (done()), so a caller can
 * `await job.step(3)` and then look at the state. Leaving stepping mode or closing releases everyone.
 */
export interface StepGate {
  step(n: number): Promise<void>;
  /** Waits for a permit while stepping; returns at once otherwise. True when a permit was used. */
  take(signal: AbortSignal): Promise<boolean>;
  /** The event taken with take() has been processed (pass take's answer). */
  done(tookPermit: boolean): void;
  setStepping(stepping: boolean): void;
  stepping(): boolean;
  /** Resolves every pending step() (the job ended). */
  close(): void;
}

export function createStepGate(initiallyStepping: boolean, onWait: () => void): StepGate {
  let stepping = initiallyStepping;
  let permits = 0;
  let finished = 0; // events finished under a permit
  let granted = 0; // permits ever granted
  // Several partitions of a parallel replay may wait at once; each looks again when woken.
  const sleepers = new Set<() => void>();
  const wake = () => {
    for (const sleeper of [...sleepers]) sleeper();
  };
  const waiting: Array<{ upTo: number; resolve: () => void }> = [];
  const settle = (all: boolean) => {
    for (const w of [...waiting]) {
      if (all || w.upTo <= finished) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  return {
    step(n) {
      if (!Number.isInteger(n) || n < 1) return Promise.reject(badReplayRequest(`step takes n ≥ 1, got ${n}`));
      permits += n;
      granted += n;
      const upTo = granted;
      const result = new Promise<void>((resolve) => waiting.push({ upTo, resolve }));
      wake();
      return result;
    },
    async take(signal) {
      while (stepping && permits === 0) {
        onWait();
        await new Promise<void>((resolve, reject) => {
          if (signal.aborted) return reject(new Cancelled());
          const done = () => {
            sleepers.delete(done);
            signal.removeEventListener('abort', abort);
            resolve();
          };
          const abort = () => {
            sleepers.delete(done);
            reject(new Cancelled());
          };
          sleepers.add(done);
          signal.addEventListener('abort', abort, { once: true });
        });
      }
      // Steps granted before a resume are still used up by the next events.
      if (permits === 0) return false;
      permits -= 1;
      return true;
    },
    done(tookPermit) {
      if (!tookPermit) return;
      finished += 1;
      settle(false);
    },
    setStepping(value) {
      stepping = value;
      wake();
    },
    stepping: () => stepping,
    close() {
      stepping = false;
      wake();
      settle(true);
    },
  };
}
