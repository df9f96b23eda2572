// Sleeps that stop() ends at once (Stopped), so stopping never waits out a backoff.
export class Stopped extends Error {}

export interface Backoff {
  readonly stopping: boolean;
  delay(n: number): number;
  sleep(ms: number): Promise<void>;
  stop(): void;
}

export function createBackoff(backoffMs: number, maxBackoffMs: number): Backoff {
  let stopping = false;
  const wakeups = new Set<() => void>();
  return {
    get stopping() {
      return stopping;
    },
    delay: (n) => Math.min(backoffMs * 2 ** Math.min(n, 30), maxBackoffMs),
    sleep: (ms) =>
      new Promise<void>((resolve, reject) => {
        if (stopping) return reject(new Stopped());
        const wake = () => {
          clearTimeout(timer);
          wakeups.delete(wake);
          reject(new Stopped());
        };
        const timer = setTimeout(() => {
          wakeups.delete(wake);
          resolve();
        }, ms);
        wakeups.add(wake);
      }),
    stop() {
      stopping = true;
      for (const wake of [...wakeups]) wake();
    },
  };
}
