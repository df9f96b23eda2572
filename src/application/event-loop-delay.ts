// How late the event loop runs: a request parsed, claimed or answered by this process waits at least
// that long, whatever its queues say (perf_hooks samples it off the loop, at no cost to it).
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface EventLoopDelay {
  /** The mean delay in the last completed window (ms): one long task is not a queue (as under-pressure). */
  delayMs(): number;
  stop(): void;
}

export function watchEventLoopDelay(windowMs: number): EventLoopDelay {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let last = 0;
  const timer = setInterval(() => {
    last = histogram.count > 0 ? histogram.mean / 1e6 : 0;
    histogram.reset();
  }, windowMs);
  timer.unref();
  return {
    delayMs: () => last,
    stop() {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
