// Each start-up step's wall and CPU ms, logged in one line once listening (bench/startup.bench.ts reads it).
import type { Logger } from './logger.ts';

export interface StartupSteps {
  step(name: string): void;
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
