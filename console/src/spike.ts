// Where Live's way into the Timeline points: the latest error spike (the first sample of the latest
// run with errors, whose 10 s rate window holds them), or else the last 10 seconds.
import type { LiveSample } from '../../src/observability/live-sample.ts';

export const WINDOW_MS = 10_000;

export interface Moment {
  readonly t: number;
  /** errors/s of the spike; null when there is none and the moment is the latest sample. */
  readonly errorsPerSecond: number | null;
  readonly window: { readonly start: number; readonly end: number };
}

export function errorMoment(samples: readonly Pick<LiveSample, 't' | 'errorsPerSecond'>[]): Moment | undefined {
  let first = samples.findLastIndex((s) => s.errorsPerSecond > 0);
  while (first > 0 && samples[first - 1]!.errorsPerSecond > 0) first--;
  const spike = first >= 0 ? samples[first] : undefined;
  const at = spike ?? samples.at(-1);
  if (!at) return undefined;
  return {
    t: at.t,
    errorsPerSecond: spike ? spike.errorsPerSecond : null,
    window: { start: at.t - WINDOW_MS, end: at.t + 1000 },
  };
}
