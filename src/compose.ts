// Composition root: Config → running adapters and services, closed in the reverse order.
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { Config } from './config.ts';
import type { Db } from './store/db.ts';
import { createPgliteDb } from './store/pglite-db.ts';
import { createPostgresDb } from './store/postgres-db.ts';
import { lockDataDir } from './store/data-dir-lock.ts';
import { migrate } from './store/migrate.ts';
import { ensureAdminKey, type IssuedKey } from './application/auth/api-keys.ts';
import { createCachedApiKeys } from './application/auth/cached-api-keys.ts';
import { createApiKeyAdmin, type ApiKeyAdmin } from './application/auth/key-admin.ts';
import { createJwtVerifier } from './application/auth/jwt.ts';
import { createAuthenticator } from './application/auth/authenticator.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createMetricsRegistry } from './observability/metrics.ts';
import type { StartupSteps } from './observability/startup-steps.ts';
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
import { tapAppends, type RecentAppends } from './log/recent-appends.ts';
import { outboxSettler } from './log/outbox/settle.ts';
import { createEventCodec, type EventCodec } from './events/codec.ts';
import { AUDIT_TOPIC, EVENT_CATALOG } from './events/catalog.ts';
import { createLogMetrics, type LogMetrics } from './observability/log-metrics.ts';
import { createCommandBus, EVENTS_TOPIC, ORIGIN_HEADER, type CommandBus } from './application/commands/command-bus.ts';
import { createAdmission, createPressureGauge, type PressureGauge } from './application/admission.ts';
import { watchEventLoopDelay } from './application/event-loop-delay.ts';
import { createConcurrencyLimit } from './application/concurrency-limit.ts';
import { createApplication, type Application } from './application/services.ts';
import type { ReadModels } from './application/queries/cached-read-models.ts';
import { systemClock } from './application/clock.ts';
import { createTestClock, testClockStart, type TestClock } from './application/test-clock.ts';
import { instrumentDb } from './store/instrumented-db.ts';
import { instrumentEventLog } from './log/instrumented-event-log.ts';
import {
  createOperationMetrics,
  instrument,
  instrumentMethods,
  type OperationMetrics,
} from './observability/instrument.ts';
import { createBusinessMetrics } from './observability/business-metrics.ts';
import type { EventHandler } from './log/consumer-runner.ts';
import { createConsumerRegistry, type ConsumerRegistry } from './log/consumer-registry.ts';
import { createReplayService, type ReplayService } from './replay/index.ts';
import { READ_MODELS } from './application/read-model/tables.ts';
import { createCacheInvalidationHandler } from './cache/index.ts';
import { startCache } from './compose-cache.ts';
import type { LayeredCache } from './cache/index.ts';
import { monitorCommands } from './observability/monitor-events.ts';
import { createMediationMetrics } from './observability/mediation-metrics.ts';
import { startMediationConsumer } from './mediation/feed-consumer.ts';
import { holdLeadership, type LeadershipOptions } from './store/leadership.ts';
import { holdInstanceLiveness, type InstanceLiveness } from './store/instance-liveness.ts';
import { createAuditTrail } from './application/audit/audit-trail.ts';
import { connectRateLimitRedis } from './api/rate-limit/redis-store.ts';

export interface Composed extends AppServices {
  readonly config: Config;
  readonly db: Db;
  readonly bus: CommandBus;
  readonly log: EventLog;
  readonly codec: EventCodec;
  readonly application: Application;
  readonly eventsTopic: string;
  readonly operationMetrics: OperationMetrics;
  readonly cache: LayeredCache;
  readonly testClock: TestClock | undefined;
  /** Where embedded data lives, or the masked server URL. */
  readonly dataLocation: string;
  /** Set only on the first start without BSS_ADMIN_API_KEY: print it once. */
  readonly generatedAdminKey: IssuedKey | undefined;
  /** By group: a restore pauses the group's members through it. */
  readonly consumers: ConsumerRegistry;
  readonly keys: ApiKeyAdmin;
  close(): Promise<void>;
}

export interface ComposeOptions {
  readonly logger?: Logger;
  readonly startup?: StartupSteps;
}

export async function compose(config: Config, options: ComposeOptions = {}): Promise<Composed> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const step = (name: string) => options.startup?.step(name);
  const registry = createMetricsRegistry();
  const operationMetrics = createOperationMetrics(registry);
  const { closers, close } = closing(logger);

  try {
    const core = await openCore({ config, logger, registry, operationMetrics, step }, closers);
    const { db, dataLocation, liveness, generatedAdminKey, codec, logMetrics, log, recent, sink, relay } = core;
    const { eventsTopic, auditTopic, bus, origin, admission, concurrency, consumers, cached } = core;
    const { application, testClock } = useCases({ config, db, bus, reads: cached.reads, liveness, operationMetrics });
    const auth = createAuthenticator(createCachedApiKeys(db), config.jwt ? createJwtVerifier(config.jwt) : undefined);

    const rateLimits = sharedRateLimits(config, closers);
    const readiness = readinessChecks({ config, db, operationMetrics, consumers }, closers);
    if (config.mediation.enabled && log.kind === 'kafka')
      await startMediation({ config, log, consumers, usage: application.usage, registry, logger, logMetrics });
    step('mediation');
    const replayService = startReplay(
      { config, log, recent, codec, db, relay, cached, logger, eventsTopic, origin },
      closers,
    );
    if (liveness && !(await liveness.held(5000)))
      logger.warn("instance liveness lock not held yet: other instances may take over this one's claims");
    step('replay');

    return {
      config,
      logger,
      registry,
      readiness,
      auth,
      db,
      bus,
      log,
      codec,
      application,
      eventsTopic,
      operationMetrics,
      cache: cached.cache,
      testClock,
      dataLocation,
      generatedAdminKey,
      consumers,
      admission,
      ...(concurrency ? { concurrency } : {}),
      keys: createApiKeyAdmin({ db, sink, auditTopic }),
      audit: createAuditTrail({ db, sink, auditTopic }),
      security: config.security,
      ...rateLimits,
      replay: {
        service: replayService,
        liveTopic: eventsTopic,
        consumers,
        // Kafka mode: commands' events wait in the outbox; a rebuild folds the log, so publish them first.
        ...(relay ? { drainOutbox: (relay as Relay).drain } : {}),
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export type { Registry };

type Closers = Array<() => Promise<void>>;

/** What compose opened, closed in the reverse order; a failing closer does not stop the others. */
function closing(logger: Logger): { closers: Closers; close: () => Promise<void> } {
  const closers: Closers = [];
  const close = async (): Promise<void> => {
    for (const closer of closers.reverse())
      await closer().catch((error) => logger.warn({ err: error }, 'close failed'));
  };
  return { closers, close };
}

async function openCore(
  parts: {
    config: Config;
    logger: Logger;
    registry: Registry;
    operationMetrics: OperationMetrics;
    step: (name: string) => void;
  },
  closers: Closers,
) {
  const { config, logger, registry, operationMetrics, step } = parts;
  const { db, dataLocation, liveness, generatedAdminKey } = await openStore(
    { config, logger, operationMetrics, step },
    closers,
  );
  const codec = createEventCodec(EVENT_CATALOG);
  // The relay's backlog and the consumers' lag also feed admission control.
  const pressure = createPressureGauge();
  const logMetrics = withPressure(createLogMetrics(registry, operationMetrics), pressure);
  const { log, recent, sink, relay, logComponent, eventsTopic, auditTopic } = await openEventLog(
    { config, db, logger, logMetrics, operationMetrics },
    closers,
  );
  step('event log');
  const { bus, origin, admission, concurrency } = openWritePath(
    { config, db, sink, codec, eventsTopic, operationMetrics, pressure },
    closers,
  );
  observeBusiness(registry, db, bus, logComponent);
  const consumers = createConsumerRegistry();
  closers.push(() => consumers.stopAll());
  const cached = await startCache({
    config,
    db,
    log,
    codec,
    bus,
    registry,
    logger,
    eventsTopic,
    logMetrics,
    origin,
    consumers,
    ...(liveness ? { instanceId: liveness.id } : {}),
  });
  closers.push(cached.close);
  step('cache');
  return {
    db,
    dataLocation,
    liveness,
    generatedAdminKey,
    codec,
    logMetrics,
    log,
    recent,
    sink,
    relay,
    eventsTopic,
    auditTopic,
    bus,
    origin,
    admission,
    concurrency,
    consumers,
    cached,
  };
}

function useCases(parts: {
  config: Config;
  db: Db;
  bus: CommandBus;
  reads: ReadModels;
  liveness: InstanceLiveness | undefined;
  operationMetrics: OperationMetrics;
}): { application: Application; testClock: TestClock | undefined } {
  const { config, db, bus, reads, liveness, operationMetrics } = parts;
  const testClock = config.testClock ? createTestClock(testClockStart(config.testClock)) : undefined;
  const application = createApplication({
    db,
    bus,
    clock: testClock?.now ?? systemClock,
    reads,
    ...(liveness ? { instanceId: liveness.id } : {}),
    observe: (commands, component) => instrumentMethods(commands, operationMetrics, component),
  });
  return { application, testClock };
}

async function openStore(
  parts: { config: Config; logger: Logger; operationMetrics: OperationMetrics; step: (name: string) => void },
  closers: Closers,
) {
  const { config, logger, operationMetrics, step } = parts;
  const { db: rawDb, dataLocation } = await openDatabase(config, closers);
  const db = instrumentDb(rawDb, operationMetrics);
  closers.push(() => db.close());
  const liveness = holdLiveness(config, logger, closers);
  step('database');
  const applied = await migrate(db);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  const generatedAdminKey = await ensureAdminKey(db, config.adminApiKey);
  step('migrations');
  return { db, dataLocation, liveness, generatedAdminKey };
}

function openWritePath(
  parts: {
    config: Config;
    db: Db;
    sink: EventSink;
    codec: EventCodec;
    eventsTopic: string;
    operationMetrics: OperationMetrics;
    pressure: PressureGauge;
  },
  closers: Closers,
) {
  const { config, db, sink, codec, eventsTopic, operationMetrics, pressure } = parts;
  // Names this process in every record it commits (ORIGIN_HEADER): its cache consumer skips them.
  const origin = randomUUID();
  const { writePath } = config;
  const group = {
    maxCommands: writePath.groupMaxCommands,
    concurrency: writePath.groupConcurrency,
    spacingMs: writePath.groupSpacingMs,
  };
  const bus = monitorCommands(
    createCommandBus({ db, sink, codec, topic: eventsTopic, origin, group }),
    operationMetrics,
  );
  const loopDelay = watchEventLoopDelay(Math.max(100, writePath.shedIntervalMs / 4));
  closers.push(async () => loopDelay.stop());
  const concurrency =
    writePath.shedLimit === 'adaptive'
      ? // 1 s windows (Netflix's default): a stall of a few 100 ms is not overload. An unused limit stays
        // where it starts: 200 is the room a stall's burst gets on a calm service (bench/results/TUNING.md).
        createConcurrencyLimit({
          initial: Math.min(200, writePath.maxPending),
          min: Math.min(8, writePath.maxPending),
          max: writePath.maxPending,
          windowMs: 1000,
          windowSamples: 20,
        })
      : undefined;
  const admission = createAdmission(writePath, {
    oldestWaitMs: () => bus.load().oldestWaitMs,
    eventLoopDelayMs: loopDelay.delayMs,
    ...pressure.signals,
  });
  return { bus, origin, admission, concurrency };
}

/** Counters shared by every instance on this Redis; while Redis is away each instance counts alone. */
function sharedRateLimits(config: Config, closers: Closers): Pick<AppServices, 'rateLimitStore' | 'signInFailures'> {
  if (!config.redisUrl) return {};
  const rateLimit = connectRateLimitRedis(config.redisUrl, `${config.cachePrefix}rl:`);
  closers.push(rateLimit.close);
  const { authFailureMax: max, authFailureWindowMs: windowMs } = config.security;
  return { rateLimitStore: rateLimit.store, signInFailures: rateLimit.signInFailures({ max, windowMs }) };
}

async function openDatabase(config: Config, closers: Closers): Promise<{ db: Db; dataLocation: string }> {
  if (config.databaseUrl) {
    const db = await createPostgresDb({
      url: config.databaseUrl,
      ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
    });
    return { db, dataLocation: new URL(config.databaseUrl).host + new URL(config.databaseUrl).pathname };
  }
  const lock = await lockDataDir(config.dataDir);
  closers.push(lock.release);
  const dataLocation = resolve(config.dataDir, 'pglite');
  return { db: await createPgliteDb(dataLocation), dataLocation };
}

/** PostgreSQL: this process's liveness lock (store/instance-liveness.ts); PGlite has one process. */
function holdLiveness(config: Config, logger: Logger, closers: Closers): InstanceLiveness | undefined {
  if (!config.databaseUrl) return undefined;
  const liveness = holdInstanceLiveness({
    url: config.databaseUrl,
    onError: (error) => logger.warn({ err: error }, 'instance liveness connection failed; retrying'),
  });
  closers.push(liveness.stop);
  return liveness;
}

async function openEventLog(
  parts: {
    config: Config;
    db: Db;
    logger: Logger;
    logMetrics: LogMetrics;
    operationMetrics: OperationMetrics;
  },
  closers: Closers,
) {
  const { config, db, logger, logMetrics, operationMetrics } = parts;
  const backbone = createEventBackbone(config, db);
  const logComponent = backbone.log.kind === 'kafka' ? 'kafka' : db.kind === 'pglite' ? 'pglite' : 'postgres';
  const instrumented = instrumentEventLog(backbone.log, operationMetrics, logComponent);
  // Kafka: what the relay appends is kept for the snapshotter, which then need not fetch it back.
  const recent = instrumented.kind === 'kafka' ? tapAppends(instrumented) : undefined;
  const log = recent ?? instrumented;
  closers.push(() => log.close());
  const eventsTopic = config.topicPrefix + EVENTS_TOPIC;
  await log.ensureTopic(eventsTopic, { partitions: config.eventPartitions, retentionMs: config.eventRetentionMs });
  const auditTopic = config.topicPrefix + AUDIT_TOPIC;
  await log.ensureTopic(auditTopic, { partitions: 1, retentionMs: -1 });
  let relay: Relay | undefined;
  if (log.kind === 'kafka') {
    relay = await startOutboxRelay({
      db,
      log,
      logger,
      metrics: logMetrics,
      batchSize: config.kafkaTuning.outboxBatchSize,
      gatherMs: config.kafkaTuning.outboxGatherMs,
    });
    closers.push(() => (relay as Relay).stop());
  }
  return { log, recent, sink: backbone.sink, relay, logComponent, eventsTopic, auditTopic };
}

/** /health/ready: the database (required), Redis and Kafka if configured, and every consumer consuming. */
function readinessChecks(
  parts: {
    config: Config;
    db: Db;
    operationMetrics: OperationMetrics;
    consumers: ConsumerRegistry;
  },
  closers: Closers,
): ReadinessCheck[] {
  const { config, db, operationMetrics, consumers } = parts;
  const readiness: ReadinessCheck[] = [{ name: 'database', check: async () => void (await db.query('SELECT 1')) }];
  if (config.redisUrl) {
    const redis = createRedisProbe(config.redisUrl);
    closers.push(redis.close);
    readiness.push({
      name: 'redis',
      required: false, // the cache falls back to L1 and the database
      check: instrument(operationMetrics, 'redis', 'ping', redis.check),
    });
  }
  if (config.kafkaBrokers) {
    const kafka = createKafkaProbe(config.kafkaBrokers);
    closers.push(kafka.close);
    // Writes wait in the outbox while Kafka is down: degraded, still serving.
    readiness.push({ name: 'kafka', required: false, check: kafka.check });
  }

  readiness.push({
    name: 'consumers',
    required: false,
    check: async () => {
      const idle = consumers
        .statuses()
        .filter((s) => !s.consuming)
        .map((s) => `${s.group} (${s.error ?? 'stopped'})`);
      if (idle.length > 0) throw new Error(`not consuming: ${idle.join(', ')}`);
    },
  });
  return readiness;
}

function observeBusiness(registry: Registry, db: Db, bus: CommandBus, logComponent: string): void {
  const businessMetrics = createBusinessMetrics(registry, async () => {
    const { rows } = await db.query<{ status: string; n: string }>(
      'SELECT status, count(*) AS n FROM customers GROUP BY status',
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  });
  bus.onCommitted((committed) => businessMetrics.committed(committed, logComponent));
  bus.onRejected(() => businessMetrics.rejected(1));
}

/** The usage feed from mediation: every instance joins the one group, so each CDR is rated once. */
async function startMediation(parts: {
  config: Config;
  log: EventLog;
  consumers: ConsumerRegistry;
  usage: Application['usage'];
  registry: Registry;
  logger: Logger;
  logMetrics: LogMetrics;
}): Promise<void> {
  const { config, log, consumers, usage, registry, logger, logMetrics } = parts;
  const { topic, group } = config.mediation;
  await log.ensureTopic(topic, { partitions: config.eventPartitions });
  const metrics = createMediationMetrics(registry);
  await consumers.start(group, () => startMediationConsumer({ log, usage, topic, group, logger, logMetrics, metrics }));
}

function startReplay(
  parts: {
    config: Config;
    log: EventLog;
    codec: EventCodec;
    db: Db;
    relay: Relay | undefined;
    recent: RecentAppends | undefined;
    cached: Awaited<ReturnType<typeof startCache>>;
    logger: Logger;
    eventsTopic: string;
    origin: string;
  },
  closers: Closers,
): ReplayService {
  const { config, log, recent, codec, db, relay, cached, logger, eventsTopic, origin } = parts;
  // Only replay-safe handlers (caches, metrics), never a notification or a payment call.

  const replayHandlers: EventHandler[] = [createCacheInvalidationHandler(cached.cache)];
  const replayService = createReplayService({
    log,
    codec,
    db,
    liveTopic: eventsTopic,
    readModels: READ_MODELS,
    ...(relay ? { settleLog: outboxSettler({ db, drain: (relay as Relay).drain }) } : {}),
    handlers: replayHandlers.filter((h) => h.replaySafe),
    onSnapshotError: (error) => logger.warn({ err: error }, 'replay state snapshot failed; retrying'),
    // This process's records were validated when it encoded them.
    trustedRecord: (record) => record.headers[ORIGIN_HEADER] === origin,
    ...(recent ? { recentAppends: recent } : {}),
  });
  closers.push(() => replayService.close());
  const snapshotter = runOnce(config, `snapshotter:${eventsTopic}`, logger, {
    lead: () => void replayService.startSnapshotter(eventsTopic),
    follow: () => replayService.stopSnapshotter(eventsTopic),
  });
  closers.push(snapshotter.stop);

  return replayService;
}

/** Once per deployment: on PostgreSQL the advisory-lock holder, on PGlite the one process. */
function runOnce(config: Config, job: string, logger: Logger, roles: Pick<LeadershipOptions, 'lead' | 'follow'>) {
  if (!config.databaseUrl) {
    void roles.lead();
    return { stop: async () => void (await roles.follow()) };
  }
  const log = logger.child({ job });
  return holdLeadership({
    url: config.databaseUrl,
    name: `bss:${config.databaseSchema ?? 'public'}:${job}`,
    lead: async () => {
      log.info('leading: this process runs the job');
      await roles.lead();
    },
    follow: async () => {
      log.info('no longer leading');
      await roles.follow();
    },
    onError: (error) => log.warn({ err: error }, 'leadership connection failed; retrying'),
  });
}

// Kafka mode: an outbox table the relay publishes; database-log mode: the log table is the outbox.
function createEventBackbone(config: Config, db: Db): { log: EventLog; sink: EventSink } {
  if (config.kafkaBrokers) {
    return {
      log: createKafkaEventLog({
        brokers: config.kafkaBrokers,
        clientId: 'bss',
        retentionMs: config.eventRetentionMs,
        lingerMs: config.kafkaTuning.lingerMs,
        maxBatchBytes: config.kafkaTuning.maxBatchBytes,
        ...(config.kafkaTuning.compression ? { compression: config.kafkaTuning.compression } : {}),
        compressMinBytes: config.kafkaTuning.compressMinBytes,
      }),
      sink: createOutboxSink(),
    };
  }
  return {
    log: createDatabaseEventLog(db),
    sink: { appendWithin: async (tx, topic, records) => void (await appendWithin(tx, topic, records)) },
  };
}

function withPressure(metrics: LogMetrics, pressure: PressureGauge): LogMetrics {
  return {
    ...metrics,
    consumerLag(group, topic, partition, lag) {
      metrics.consumerLag(group, topic, partition, lag);
      pressure.consumerLag(group, partition, lag);
    },
    outboxBacklog(rows) {
      metrics.outboxBacklog(rows);
      pressure.outboxBacklog(rows);
    },
  };
}
