import { badReplayRequest } from './errors.ts';

// Pacing follows the global timeline: gaps between partitions are kept too, so a replay looks like the original.
export const REPLAY_SPEEDS = ['REAL_TIME', 'FAST', 'ULTRA_FAST', 'MAX', 'STEP_BY_STEP'] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

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

/** Node fires longer timers at once (TimeoutOverflowWarning): longer waits are chained. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

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

/** Due at wallStart + (t − anchor) / factor, measured against the wall clock so small delays do not add up. */
export interface Pacer {
  until(timestamp: number, signal: AbortSignal): Promise<void>;
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

/** step(n) resolves once n events were taken and done, so a caller can `await job.step(3)` and look. */
export interface StepGate {
  step(n: number): Promise<void>;
  take(signal: AbortSignal): Promise<boolean>;
  done(tookPermit: boolean): void;
  setStepping(stepping: boolean): void;
  stepping(): boolean;
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
