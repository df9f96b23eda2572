// Open-loop pacing: operation i is due at start + i / rate whatever happened to the ones before, and
// its latency counts from that scheduled time, so a slow server shows as latency instead of quietly
// lowering the offered rate (coordinated omission). A rate may change during the run (ramps).

export interface Phase {
  /** Length of the phase in ms. */
  readonly durationMs: number;
  /** Target operations per second in the phase. */
  readonly opsPerSecond: number;
}

/**
 * The scheduled times (ms from the start) of every operation in a sequence of phases: evenly spaced
 * at each phase's rate. `due(now)` returns the times that fell due since
 * the last call; the driver calls it every tick.
 */
export function schedule(phases: readonly Phase[]): {
  /** Scheduled times due at or before `nowMs` that were not returned yet. */
  due(nowMs: number): number[];
  /** Total length in ms. */
  readonly totalMs: number;
} {
  const totalMs = phases.reduce((sum, p) => sum + p.durationMs, 0);
  let phaseIndex = 0;
  let phaseStart = 0;
  let inPhase = 0; // operations scheduled so far in the current phase
  return {
    totalMs,
    due(nowMs) {
      const out: number[] = [];
      while (phaseIndex < phases.length) {
        const phase = phases[phaseIndex] as Phase;
        const phaseEnd = phaseStart + phase.durationMs;
        // A phase at rate 0 is a pause: nothing is due in it.
        const at = phase.opsPerSecond > 0 ? phaseStart + (inPhase * 1000) / phase.opsPerSecond : phaseEnd;
        if (at >= phaseEnd) {
          phaseIndex++;
          phaseStart = phaseEnd;
          inPhase = 0;
          continue;
        }
        if (at > nowMs) break;
        out.push(at);
        inPhase++;
      }
      return out;
    },
  };
}
