import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { ReadinessCheck } from '../api/readiness.ts';
import { ask } from './ipc.ts';

export const WORKER_ENV = 'BSS_WORKER_SLOT';

export function workerSlot(): number | undefined {
  if (!cluster.isWorker) return undefined;
  const slot = Number(process.env[WORKER_ENV]);
  return Number.isInteger(slot) && slot > 0 ? slot : undefined;
}

/** Series are labelled per worker so gauges such as the outbox backlog are not summed across workers. */
export function shareMetrics(registry: Registry, slot: number): void {
  registry.setDefaultLabels({ worker: String(slot) });
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry(); // its constructor installs the worker's answer to the supervisor's request
}

export function clusterMetricsText(registry: Registry): () => Promise<string> {
  return async () => {
    try {
      return await ask<string>('metrics');
    } catch {
      return `# all workers' metrics unavailable; this worker only\n${await registry.metrics()}`;
    }
  };
}

export const workersReadiness: ReadinessCheck = {
  name: 'workers',
  required: false,
  check: async () => {
    const { up, wanted } = await ask<{ up: number; wanted: number }>('workers');
    if (up < wanted) throw new Error(`${up} of ${wanted} workers listening`);
  },
};
