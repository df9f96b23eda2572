// The cluster primary serves nothing (workers bind with SO_REUSEPORT): it forks, restarts with backoff,
// drains on SIGTERM/SIGINT and answers the workers' deployment-wide questions.
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type PrometheusContentType } from 'prom-client';
import type { Logger } from '../observability/logger.ts';
import { isBssMessage, LISTENING, type Answer, type Ask } from './ipc.ts';
import { WORKER_ENV } from './worker.ts';

export interface SupervisorOptions {
  readonly workers: number;
  readonly logger: Logger;
  readonly shutdownTimeoutMs: number;
  /** First restart delay; doubles per crash in a row, up to maxRestartDelayMs. */
  readonly restartDelayMs?: number;
  readonly maxRestartDelayMs?: number;
}

interface Slot {
  readonly slot: number;
  worker?: Worker;
  listening: boolean;
  /** In a row: reset once a worker has run STABLE_AFTER_MS. */
  crashes: number;
  startedAt: number;
}

const STABLE_AFTER_MS = 60_000;

interface Supervision {
  readonly slots: readonly Slot[];
  readonly aggregator: AggregatorRegistry<PrometheusContentType>;
  readonly logger: Logger;
  readonly firstDelay: number;
  readonly maxDelay: number;
  stopping: boolean;
  /** Until every worker listened once, a worker that cannot start stops the whole start (exit code kept). */
  started: boolean;
}

export async function supervise(options: SupervisorOptions): Promise<void> {
  const { logger } = options;
  const run: Supervision = {
    slots: Array.from({ length: options.workers }, (_, i) => ({
      slot: i + 1,
      listening: false,
      crashes: 0,
      startedAt: 0,
    })),
    aggregator: new AggregatorRegistry(),
    logger,
    firstDelay: options.restartDelayMs ?? 500,
    maxDelay: options.maxRestartDelayMs ?? 30_000,
    stopping: false,
    started: false,
  };
  const stop = async (signal: string, exitCode = 0): Promise<void> => {
    if (run.stopping) return;
    run.stopping = true;
    await drain(run, signal, options.shutdownTimeoutMs);
    logger.flush();
    process.exit(exitCode);
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));

  // One at a time: the first applies migrations and creates topics and the admin key alone.
  for (const s of run.slots) {
    if (run.stopping) return;
    const listening = await fork(run, s);
    if (run.stopping) return;
    if (!listening) {
      const code = s.worker?.process.exitCode ?? 1;
      logger.error({ worker: s.slot, code }, 'a worker could not start; stopping');
      await stop('start failed', code);
      return;
    }
  }
  run.started = true;
  logger.info({ workers: listeningCount(run), wanted: run.slots.length }, 'supervisor started');
}

const listeningCount = (run: Supervision): number => run.slots.filter((s) => s.listening).length;

/** Forks the slot's worker; resolves true once it listens, false if it exited first. */
function fork(run: Supervision, s: Slot): Promise<boolean> {
  return new Promise((resolve) => {
    const worker = cluster.fork({ [WORKER_ENV]: String(s.slot) });
    s.worker = worker;
    s.startedAt = Date.now();
    const log = run.logger.child({ worker: s.slot, pid: worker.process.pid });
    worker.on('message', (message: unknown) => {
      if (!isBssMessage(message)) return;
      if (message.bss !== LISTENING.bss) return void answer(run, worker, message);
      s.listening = true;
      log.info('worker listening');
      resolve(true);
    });
    worker.once('exit', (code, signal) => {
      s.listening = false;
      resolve(false);
      if (run.stopping || !run.started) return log.info({ code, signal }, 'worker stopped');
      s.crashes = Date.now() - s.startedAt > STABLE_AFTER_MS ? 1 : s.crashes + 1;
      const delay = Math.min(run.maxDelay, run.firstDelay * 2 ** (s.crashes - 1));
      log.error({ code, signal, restartInMs: delay, crashesInARow: s.crashes }, 'worker died; restarting');
      setTimeout(() => {
        if (!run.stopping) void fork(run, s);
      }, delay).unref();
    });
  });
}

async function answer(run: Supervision, worker: Worker, message: Ask): Promise<void> {
  const reply = (fields: Partial<Answer>) => {
    if (worker.isConnected()) worker.send({ bss: message.bss, id: message.id, ...fields });
  };
  try {
    if (message.bss === 'metrics') reply({ value: await run.aggregator.clusterMetrics() });
    else reply({ value: { up: listeningCount(run), wanted: run.slots.length } });
  } catch (error) {
    reply({ error: (error as Error).message });
  }
}

async function drain(run: Supervision, signal: string, shutdownTimeoutMs: number): Promise<void> {
  const { logger } = run;
  const running = run.slots.flatMap((s) => (s.worker && s.worker.process.exitCode === null ? [s.worker] : []));
  logger.info({ signal, workers: running.length }, 'shutting down: draining every worker');
  const kill = setTimeout(() => {
    logger.error('workers took too long to drain; killing them');
    for (const worker of running) worker.process.kill('SIGKILL');
  }, shutdownTimeoutMs + 2_000);
  await Promise.all(
    running.map(
      (worker) =>
        new Promise<void>((resolve) => {
          worker.once('exit', () => resolve());
          worker.process.kill('SIGTERM');
        }),
    ),
  );
  clearTimeout(kill);
  logger.info('shutdown complete');
}
