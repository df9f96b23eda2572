// Where start-up goes: each step's wall and CPU milliseconds since the one before, logged in one line
// once the service listens, so a slow start names its slow step (bench/startup.bench.ts reads it). The
// first step, modules, runs from the process's start to compose(): loading the code.
import type { Logger } from './logger.ts';

export interface StartupSteps {
  /** Ends the step running now under this name. */
  step(name: string): void;
  /** Logs every step (info, 'started') with the total since the process started. */
  done(logger: Logger): void;
}

export function startupSteps(): StartupSteps {
  const steps: Record<string, { ms: number; cpuMs: number }> = {};
  let since = 0; // performance.now() counts from the process's start
  let cpu: NodeJS.CpuUsage = { user: 0, system: 0 }; // likewise the CPU used
  return {
    step(name) {
      const now = performance.now();
      const used = process.cpuUsage(cpu);
      steps[name] = { ms: Math.round(now - since), cpuMs: Math.round((used.user + used.system) / 1000) };
      since = now;
      cpu = process.cpuUsage();
    },
    done(logger) {
      logger.info({ startup: steps, totalMs: Math.round(performance.now()) }, 'started');
    },
  };
}
