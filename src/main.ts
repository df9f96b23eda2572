// Start-up and graceful shutdown; with workers > 1 this process supervises (src/workers/) and forks.
import cluster from 'node:cluster';
import module from 'node:module';
import type { ApiApp } from './api/types.ts';
import type { Composed, compose as Compose } from './compose.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { BssError } from './errors.ts';
import { createLogger } from './observability/logger.ts';
import { startupSteps, type StartupSteps } from './observability/startup-steps.ts';
import { supervise } from './workers/supervisor.ts';
import { announceListening } from './workers/ipc.ts';
import { clusterMetricsText, shareMetrics, workerSlot, workersReadiness } from './workers/worker.ts';

export interface MainOptions {
  /** Wins over BSS_WORKERS. */
  readonly workers?: number;
}

export async function main(options: MainOptions = {}): Promise<void> {
  // Imported only after enabling the compile cache, so a restart loads them faster.
  module.enableCompileCache();
  const { compose } = await import('./compose.ts');
  const { buildApp } = await import('./api/app.ts');
  const startup = startupSteps();
  startup.step('modules');
  const config = readConfig(options);
  if (config.workers > 1 && cluster.isPrimary) {
    const logger = createLogger(config.logLevel).child({ role: 'supervisor' });
    process.stdout.write(
      `BSS supervisor (${config.mode} mode): starting ${config.workers} workers on port ${config.port}\n`,
    );
    await supervise({ workers: config.workers, logger, shutdownTimeoutMs: config.shutdownTimeoutMs });
    return;
  }
  const slot = workerSlot();
  const services = await composeOrExit(compose, config, startup, slot);
  const app = await buildApp(services);
  startup.step('app');
  if (slot !== undefined)
    app.addHook('onRequest', async (_request, reply) => void reply.header('x-bss-worker', String(slot)));
  stopOnSignals(app, services, config.shutdownTimeoutMs, slot);

  // Own SO_REUSEPORT socket per worker (not the cluster's shared handle): the kernel spreads connections.
  const shared = slot === undefined ? {} : { exclusive: true, reusePort: true };
  const address = await app.listen({ port: config.port, host: config.host, ...shared });
  startup.step('listen');
  services.logger.info({ address, mode: config.mode, data: services.dataLocation }, 'BSS listening');
  startup.done(services.logger);
  module.flushCompileCache(); // now: a process killed later never reaches the flush at exit
  if (slot !== undefined) announceListening();
  process.stdout.write(banner(config, services, address, slot));
}

function readConfig(options: MainOptions): Config {
  try {
    const env = options.workers === undefined ? process.env : { ...process.env, BSS_WORKERS: String(options.workers) };
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`bss: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/** The composed services (a worker's with its metrics shared with the supervisor), or exit 1. */
async function composeOrExit(
  compose: typeof Compose,
  config: Config,
  startup: StartupSteps,
  slot: number | undefined,
): Promise<Composed> {
  let services;
  try {
    services = await compose(
      config,
      slot === undefined ? { startup } : { startup, logger: createLogger(config.logLevel).child({ worker: slot }) },
    );
  } catch (error) {
    const message = error instanceof BssError ? error.message : (error as Error).stack;
    process.stderr.write(`bss: cannot start: ${message}\n`);
    process.exit(1);
  }
  if (slot === undefined) return services;
  shareMetrics(services.registry, slot);
  return {
    ...services,
    readiness: [...services.readiness, workersReadiness],
    metricsText: clusterMetricsText(services.registry),
  };
}

/** The first SIGTERM/SIGINT drains and closes, then exits 0; past the deadline it exits 1. */
function stopOnSignals(app: ApiApp, services: Composed, timeoutMs: number, slot: number | undefined): void {
  const { logger } = services;
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const deadline = setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    await app.close();
    await services.close();
    logger.info('shutdown complete');
    logger.flush();
    process.exit(0);
  };
  // A worker gets a signal twice (process group and supervisor): the repeat must not kill it mid-drain.

  const on = slot === undefined ? process.once.bind(process) : process.on.bind(process);
  on('SIGTERM', (signal) => void stop(signal));
  on('SIGINT', (signal) => void stop(signal));
}

function banner(config: Config, services: Composed, address: string, slot: number | undefined): string {
  const lines = [
    `BSS is running (${config.mode} mode${slot === undefined ? '' : `, worker ${slot} of ${config.workers}, pid ${process.pid}`})`,
    `  URL:   ${address}`,
    `  Docs:  ${address}/docs`,
    `  Data:  ${services.dataLocation}`,
  ];
  if (services.generatedAdminKey) {
    lines.push(
      `  Admin API key (shown once, store it now): ${services.generatedAdminKey.plaintext}`,
      '  Send it as the X-API-Key header. Set BSS_ADMIN_API_KEY to choose your own.',
    );
  }
  return `${lines.join('\n')}\n`;
}

if (import.meta.main) await main();
