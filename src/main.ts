// Start-up: configuration → composition → HTTP app → listen, and a graceful shutdown on SIGTERM/SIGINT:
// stop accepting, let in-flight requests finish, flush and close connections, exit 0. With workers > 1
// this process becomes the supervisor (src/workers/) and each worker it forks runs the rest.
import cluster from 'node:cluster';
import module from 'node:module';
import { ConfigError, loadConfig } from './config.ts';
import { BssError } from './errors.ts';
import { createLogger } from './observability/logger.ts';
import { startupSteps } from './observability/startup-steps.ts';
import { supervise } from './workers/supervisor.ts';
import { announceListening } from './workers/ipc.ts';
import { clusterMetricsText, shareMetrics, workerSlot, workersReadiness } from './workers/worker.ts';

export interface MainOptions {
  /** `bss start --workers N`: wins over BSS_WORKERS. */
  readonly workers?: number;
}

export async function main(options: MainOptions = {}): Promise<void> {
  // Node's compile cache (NODE_COMPILE_CACHE, else the temp directory) keeps the type-stripped and
  // compiled service modules, so a restart loads them faster; hence they are imported only now.
  module.enableCompileCache();
  const { compose } = await import('./compose.ts');
  const { buildApp } = await import('./api/app.ts');
  const startup = startupSteps();
  startup.step('modules');
  let config;
  try {
    const env = options.workers === undefined ? process.env : { ...process.env, BSS_WORKERS: String(options.workers) };
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`bss: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  if (config.workers > 1 && cluster.isPrimary) {
    const logger = createLogger(config.logLevel).child({ role: 'supervisor' });
    process.stdout.write(
      `BSS supervisor (${config.mode} mode): starting ${config.workers} workers on port ${config.port}\n`,
    );
    await supervise({ workers: config.workers, logger, shutdownTimeoutMs: config.shutdownTimeoutMs });
    return;
  }
  const slot = workerSlot();
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
  if (slot !== undefined) {
    shareMetrics(services.registry, slot);
    services = {
      ...services,
      readiness: [...services.readiness, workersReadiness],
      metricsText: clusterMetricsText(services.registry),
    };
  }
  const app = await buildApp(services);
  startup.step('app');
  const { logger } = services;
  // Which worker answered: clients and tests can tell the processes apart.
  if (slot !== undefined)
    app.addHook('onRequest', async (_request, reply) => void reply.header('x-bss-worker', String(slot)));

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const deadline = setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    await app.close();
    await services.close();
    logger.info('shutdown complete');
    logger.flush();
    process.exit(0);
  };
  // Under a supervisor a worker may get a signal twice (the terminal's process group and the
  // supervisor): the repeat must not kill it mid-drain. Alone, a second Ctrl-C still ends it at once.
  const on = slot === undefined ? process.once.bind(process) : process.on.bind(process);
  on('SIGTERM', (signal) => void stop(signal));
  on('SIGINT', (signal) => void stop(signal));

  // A worker binds its own socket with SO_REUSEPORT (exclusive: not the cluster's shared handle), so the
  // kernel spreads connections over the workers; measured in ARCHITECTURE.md (process model).
  const shared = slot === undefined ? {} : { exclusive: true, reusePort: true };
  const address = await app.listen({ port: config.port, host: config.host, ...shared });
  startup.step('listen');
  logger.info({ address, mode: config.mode, data: services.dataLocation }, 'BSS listening');
  startup.done(logger);
  module.flushCompileCache(); // now: a process killed later never reaches the flush at exit
  if (slot !== undefined) announceListening();
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
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (import.meta.main) await main();
