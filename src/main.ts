// Start-up: configuration → composition → HTTP app → listen, and a graceful shutdown on SIGTERM/SIGINT:
// stop accepting, let in-flight requests finish, flush and close connections, exit 0.
import { ConfigError, loadConfig } from './config.ts';
import { compose } from './compose.ts';
import { buildApp } from './api/app.ts';
import { AppError } from './errors.ts';

export async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`bss: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  let services;
  try {
    services = await compose(config);
  } catch (error) {
    const message = error instanceof AppError ? error.message : (error as Error).stack;
    process.stderr.write(`bss: cannot start: ${message}\n`);
    process.exit(1);
  }
  const app = await buildApp(services);
  const { logger } = services;

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
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));

  const address = await app.listen({ port: config.port, host: config.host });
  logger.info({ address, mode: config.mode, data: services.dataLocation }, 'BSS listening');
  const lines = [
    `BSS is running (${config.mode} mode)`,
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
