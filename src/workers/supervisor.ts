// `bss start --workers N`: the primary process of node:cluster. It serves nothing itself: it forks N
// workers (each binds the port with SO_REUSEPORT, so the kernel spreads connections and no accept
// passes through here), restarts a worker that died with a growing delay, drains them all on SIGTERM
// or SIGINT, and answers the workers' deployment-wide questions (all metrics, workers up).
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { Logger } from '../observability/logger.ts';
import { isBssMessage, LISTENING, type Answer, type Ask } from './ipc.ts';
import { WORKER_ENV } from './worker.ts';

export interface SupervisorOptions {
  readonly workers: number;
  readonly logger: Logger;
  /** How long a worker may take to drain after SIGTERM before it is killed. */
  readonly shutdownTimeoutMs: number;
  /** First restart delay; doubles per crash in a row, up to maxRestartDelayMs. */
  readonly restartDelayMs?: number;
  readonly maxRestartDelayMs?: number;
}

interface Slot {
  readonly slot: number;
  worker?: Worker;
  listening: boolean;
  /** Crashes in a row: reset once a worker has run for a minute. */
  crashes: number;
  startedAt: number;
}

const STABLE_AFTER_MS = 60_000;

export async function supervise(options: SupervisorOptions): Promise<void> {
  const { logger } = options;
  const firstDelay = options.restartDelayMs ?? 500;
  const maxDelay = options.maxRestartDelayMs ?? 30_000;
  const slots: Slot[] = Array.from({ length: options.workers }, (_, i) => ({
    slot: i + 1,
    listening: false,
    crashes: 0,
    startedAt: 0,
  }));
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  /** Until every worker listened once, a worker that cannot start stops the whole start (exit code kept). */
  let started = false;

  const answer = async (worker: Worker, message: Ask): Promise<void> => {
    const reply = (fields: Partial<Answer>) => {
      if (worker.isConnected()) worker.send({ bss: message.bss, id: message.id, ...fields });
    };
    try {
      if (message.bss === 'metrics') reply({ value: await aggregator.clusterMetrics() });
      else reply({ value: { up: slots.filter((s) => s.listening).length, wanted: slots.length } });
    } catch (error) {
      reply({ error: (error as Error).message });
    }
  };

  /** Forks the slot's worker; resolves true once it listens, false if it exited first. */
  const fork = (s: Slot): Promise<boolean> =>
    new Promise((resolve) => {
      const worker = cluster.fork({ [WORKER_ENV]: String(s.slot) });
      s.worker = worker;
      s.startedAt = Date.now();
      const log = logger.child({ worker: s.slot, pid: worker.process.pid });
      worker.on('message', (message: unknown) => {
        if (!isBssMessage(message)) return;
        if (message.bss !== LISTENING.bss) return void answer(worker, message);
        s.listening = true;
        log.info('worker listening');
        resolve(true);
      });
      worker.once('exit', (code, signal) => {
        s.listening = false;
        resolve(false);
        if (stopping || !started) return log.info({ code, signal }, 'worker stopped');
        s.crashes = Date.now() - s.startedAt > STABLE_AFTER_MS ? 1 : s.crashes + 1;
        const delay = Math.min(maxDelay, firstDelay * 2 ** (s.crashes - 1));
        log.error({ code, signal, restartInMs: delay, crashesInARow: s.crashes }, 'worker died; restarting');
        setTimeout(() => {
          if (!stopping) void fork(s);
        }, delay).unref();
      });
    });

  const stop = async (signal: string, exitCode = 0): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const running = slots.flatMap((s) => (s.worker && s.worker.process.exitCode === null ? [s.worker] : []));
    logger.info({ signal, workers: running.length }, 'shutting down: draining every worker');
    const kill = setTimeout(() => {
      logger.error('workers took too long to drain; killing them');
      for (const worker of running) worker.process.kill('SIGKILL');
    }, options.shutdownTimeoutMs + 2_000);
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
    logger.flush();
    process.exit(exitCode);
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));

  // One at a time: the first applies migrations and creates topics and the admin key alone.
  for (const s of slots) {
    if (stopping) return;
    const listening = await fork(s);
    if (stopping) return;
    if (!listening) {
      const code = s.worker?.process.exitCode ?? 1;
      logger.error({ worker: s.slot, code }, 'a worker could not start; stopping');
      await stop('start failed', code);
      return;
    }
  }
  started = true;
  logger.info({ workers: slots.filter((s) => s.listening).length, wanted: slots.length }, 'supervisor started');
}
