import { eventsPerOperation, type Operation } from './mix.ts';
import type { schedule } from './pacing.ts';
import type { Meter } from './meter.ts';
import type { Operations } from './operations.ts';
import type { LoadStep, Progress } from './types.ts';

export interface DriveOptions {
  readonly plan: ReturnType<typeof schedule>;
  readonly steps: readonly LoadStep[];
  readonly pickOperation: () => Operation;
  readonly usageBatch: number;
  readonly meter: Meter;
  readonly operations: Operations;
  readonly t0: number;
  readonly progressMs: number;
  readonly onProgress?: ((progress: Progress) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

export class InFlight {
  count = 0;
  completed = 0;
  readonly #pending = new Set<Promise<void>>();

  track(operation: Promise<void>): void {
    this.count++;
    const running = operation.finally(() => {
      this.count--;
      this.completed++;
      this.#pending.delete(running);
    });
    this.#pending.add(running);
  }

  async drain(timeoutMs: number): Promise<void> {
    const drained = Promise.all(this.#pending).then(() => true);
    const timedOut = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
    await Promise.race([drained, timedOut]);
  }
}

export function drive(options: DriveOptions, flight: InFlight): Promise<number> {
  const { plan, meter, operations, t0, signal } = options;
  const progress = progressReporter(options, flight);
  return new Promise<number>((resolve) => {
    const tick = () => {
      const nowMs = performance.now() - t0;
      for (const at of plan.due(nowMs)) {
        const op = options.pickOperation();
        const step = meter.stepOf(at);
        meter.offered(step, eventsPerOperation(op, options.usageBatch), nowMs - at);
        flight.track(operations.run(op, at, step));
      }
      progress(nowMs);
      if (nowMs >= plan.totalMs || signal?.aborted) resolve(Math.min(nowMs, plan.totalMs));
      else setTimeout(tick, 2);
    };
    tick();
  });
}

function progressReporter(options: DriveOptions, flight: InFlight): (nowMs: number) => void {
  const { meter, steps, progressMs, onProgress } = options;
  let lastProgress = 0;
  return (nowMs) => {
    if (nowMs - lastProgress < progressMs) return;
    const window = meter.recorder.takeWindow();
    const seconds = (nowMs - lastProgress) / 1000;
    lastProgress = nowMs;
    onProgress?.({
      elapsedS: nowMs / 1000,
      targetEventsPerSecond: steps[meter.stepOf(nowMs)]?.eventsPerSecond ?? 0,
      offeredPerSecond: window.offered / seconds,
      acceptedPerSecond: window.accepted / seconds,
      p50Ms: window.latency.p50,
      p99Ms: window.latency.p99,
      errors: window.errors,
      inFlight: flight.count,
    });
  };
}
