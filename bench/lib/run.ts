// Running an operation many times, from several concurrent callers, and timing every call.
import { summarize, type LatencySummary } from './stats.ts';

export interface RunResult {
  /** Calls made. */
  readonly calls: number;
  /** Units of work done (events appended, records read…): what the operation returned, summed. */
  readonly units: number;
  readonly elapsedMs: number;
  /** units per second of wall time. */
  readonly perSecond: number;
  /** Of each call. */
  readonly latency: LatencySummary;
}

/**
 * Calls `op(i)` for i = 0..calls-1 from `concurrency` callers that each take the next index when their
 * previous call resolved (a closed loop: no call waits in a queue of ours). `op` returns how many
 * units it did (default 1).
 */
export async function runCalls(
  calls: number,
  concurrency: number,
  op: (index: number) => Promise<number | void>,
): Promise<RunResult> {
  const latencies = new Array<number>(calls);
  let next = 0;
  let units = 0;
  const caller = async (): Promise<void> => {
    while (next < calls) {
      const index = next++;
      const started = performance.now();
      const done = await op(index);
      latencies[index] = performance.now() - started;
      units += typeof done === 'number' ? done : 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, calls) }, caller));
  const elapsedMs = performance.now() - started;
  return { calls, units, elapsedMs, perSecond: (units / elapsedMs) * 1000, latency: summarize(latencies) };
}

/** Times one asynchronous piece of work that reports its own unit count (a consumer draining a log). */
export async function timeUnits(work: () => Promise<number>): Promise<RunResult> {
  const started = performance.now();
  const units = await work();
  const elapsedMs = performance.now() - started;
  return { calls: 1, units, elapsedMs, perSecond: (units / elapsedMs) * 1000, latency: summarize([elapsedMs]) };
}
