// Open loop: operation i is due at start + i / rate and its latency counts from then, so a slow server shows
// as latency instead of lowering the offered rate (coordinated omission).

export interface Phase {
  readonly durationMs: number;
  readonly opsPerSecond: number;
}

export function schedule(phases: readonly Phase[]): {
  due(nowMs: number): number[];
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
        // A phase at rate 0 is a pause.
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
