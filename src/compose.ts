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
import { createCachedApiKeys } from './application/auth/cached-api-keys.ts';
import { createJwtVerifier } from './application/auth/jwt.ts';
import { createAuthenticator } from './application/auth/authenticator.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createMetricsRegistry } from './observability/metrics.ts';
import type { ReadinessCheck } from './api/readiness.ts';
import type { AppServices } from './api/app.ts';
import { createRedisProbe } from './cache/redis-probe.ts';
import { createKafkaProbe } from './log/kafka-probe.ts';
import type { EventLog } from './log/event-log.ts';
import type { EventSink } from './log/event-sink.ts';
import { createDatabaseEventLog } from './log/database/database-event-log.ts';
import { appendWithin } from './log/database/append.ts';
import { createKafkaEventLog } from './log/kafka/kafka-event-log.ts';
import { createOutboxSink } from './log/outbox/outbox-sink.ts';
import { startOutboxRelay, type Relay } from './log/outbox/relay.ts';
import { createEventCodec, type EventCodec } from './events/codec.ts';
import { EVENT_CATALOG } from './events/catalog.ts';
import { createLogMetrics } from './observability/log-metrics.ts';
import { createCommandBus, EVENTS_TOPIC } from './application/commands/command-bus.ts';
import { createApplication, type Application } from './application/services.ts';
import { systemClock } from './application/clock.ts';

export interface Composed extends AppServices {
  readonly config: Config;
  readonly db: Db;
  readonly log: EventLog;
  readonly codec: EventCodec;
  readonly app: Application;
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

    const codec = createEventCodec(EVENT_CATALOG);
    const logMetrics = createLogMetrics(registry);
    const { log, sink } = createEventBackbone(config, db);
    closers.push(() => log.close());
    await log.ensureTopic(EVENTS_TOPIC, { partitions: config.eventPartitions, retentionMs: -1 });
    let relay: Relay | undefined;
    if (log.kind === 'kafka') {
      relay = await startOutboxRelay({ db, log, logger, metrics: logMetrics });
      closers.push(() => (relay as Relay).stop());
    }
    const bus = createCommandBus({ db, sink, codec });
    const app = createApplication(db, bus, systemClock);
    const auth = createAuthenticator(createCachedApiKeys(db), config.jwt ? createJwtVerifier(config.jwt) : undefined);

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

    return { config, logger, registry, readiness, auth, db, log, codec, app, dataLocation, generatedAdminKey, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export type { Registry };

/**
 * Kafka mode: commands write to the outbox table and the relay publishes to Kafka.
 * Database-log mode: the log table is the outbox, written in the command's own transaction.
 */
function createEventBackbone(config: Config, db: Db): { log: EventLog; sink: EventSink } {
  if (config.kafkaBrokers) {
    return { log: createKafkaEventLog({ brokers: config.kafkaBrokers, clientId: 'bss' }), sink: createOutboxSink() };
  }
  return {
    log: createDatabaseEventLog(db),
    sink: { appendWithin: async (tx, topic, records) => void (await appendWithin(tx, topic, records)) },
  };
}
