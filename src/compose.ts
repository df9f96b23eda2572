// Composition root: turns a Config into running adapters and services, and knows how to close them
// in the reverse order.
import { resolve } from 'node:path';
import type { Registry } from 'prom-client';
import type { Config } from './config.ts';
import type { Db } from './store/db.ts';
import { createPgliteDb } from './store/pglite-db.ts';
import { createPostgresDb } from './store/postgres-db.ts';
import { lockDataDir } from './store/data-dir-lock.ts';
import { migrate } from './store/migrate.ts';
import { ensureAdminKey, type IssuedKey } from './application/auth/api-keys.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createMetricsRegistry } from './observability/metrics.ts';
import type { ReadinessCheck } from './api/readiness.ts';
import type { AppServices } from './api/app.ts';
import { createRedisProbe } from './cache/redis-probe.ts';
import { createKafkaProbe } from './log/kafka-probe.ts';

export interface Composed extends AppServices {
  readonly config: Config;
  readonly db: Db;
  /** Where embedded data lives, or the masked server URL. */
  readonly dataLocation: string;
  /** Set only on the first start without BSS_ADMIN_API_KEY: print it once. */
  readonly generatedAdminKey: IssuedKey | undefined;
  close(): Promise<void>;
}

export interface ComposeOptions {
  readonly logger?: Logger;
}

export async function compose(config: Config, options: ComposeOptions = {}): Promise<Composed> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const registry = createMetricsRegistry();
  const closers: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    for (const closer of closers.reverse())
      await closer().catch((error) => logger.warn({ err: error }, 'close failed'));
  };

  try {
    let db: Db;
    let dataLocation: string;
    if (config.databaseUrl) {
      db = await createPostgresDb({
        url: config.databaseUrl,
        ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
      });
      dataLocation = new URL(config.databaseUrl).host + new URL(config.databaseUrl).pathname;
    } else {
      const lock = await lockDataDir(config.dataDir);
      closers.push(lock.release);
      dataLocation = resolve(config.dataDir, 'pglite');
      db = await createPgliteDb(dataLocation);
    }
    closers.push(() => db.close());
    const applied = await migrate(db);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    const generatedAdminKey = await ensureAdminKey(db, config.adminApiKey);

    const readiness: ReadinessCheck[] = [{ name: 'database', check: async () => void (await db.query('SELECT 1')) }];
    if (config.redisUrl) {
      const redis = createRedisProbe(config.redisUrl);
      closers.push(redis.close);
      readiness.push({ name: 'redis', check: redis.check });
    }
    if (config.kafkaBrokers) {
      const kafka = createKafkaProbe(config.kafkaBrokers);
      closers.push(kafka.close);
      readiness.push({ name: 'kafka', check: kafka.check });
    }

    return { config, logger, registry, readiness, db, dataLocation, generatedAdminKey, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export type { Registry };
