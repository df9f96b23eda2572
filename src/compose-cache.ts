// Order matters: loaders before warming, write path before the first command, NOTIFY and the event consumer
// before serving; on close the sources stop before the cache they feed.
import type { Registry } from 'prom-client';
import type { Config } from './config.ts';
import type { Db } from './store/db.ts';
import type { EventLog } from './log/event-log.ts';
import type { EventCodec } from './events/codec.ts';
import type { Logger } from './observability/logger.ts';
import type { LogMetrics } from './observability/log-metrics.ts';
import { ORIGIN_HEADER, type CommandBus } from './application/commands/command-bus.ts';
import type { LogRecord } from './log/event-log.ts';
import { startConsumer } from './log/consumer-runner.ts';
import type { ConsumerRegistry } from './log/consumer-registry.ts';
import {
  createCacheMetrics,
  createCacheInvalidationHandler,
  invalidationsForGroup,
  startNotifyListener,
  type LayeredCache,
} from './cache/index.ts';
import { createLayeredCache } from './cache/layered-cache.ts';
import {
  CACHE_GROUP_PREFIX,
  databaseGroupJanitor,
  instanceGroup,
  kafkaGroupJanitor,
  liveGroupsIn,
} from './cache/instance-groups.ts';
import { noOperationMetrics } from './observability/instrument.ts';
import { countRedisErrors } from './observability/redis-operations.ts';
import {
  cachedReadModels,
  registerReadModelLoaders,
  type ReadModels,
} from './application/queries/cached-read-models.ts';

/** How late the Kafka backstop may invalidate when Redis broadcast first (src/log/kafka/assigned-fetch.ts). */
const BACKSTOP_DELAY_MS = 250;

export interface CacheDeps {
  readonly config: Config;
  readonly db: Db;
  readonly log: EventLog;
  readonly codec: EventCodec;
  readonly bus: CommandBus;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly eventsTopic: string;
  readonly logMetrics?: LogMetrics;
  /** Records with this origin were already invalidated by this process's write path. */
  readonly origin?: string;
  readonly consumers: ConsumerRegistry;
  /** Names its group, so other instances' sweeps keep it. */
  readonly instanceId?: string;
}

export interface StartedCache {
  readonly cache: LayeredCache;
  readonly reads: ReadModels;
  close(): Promise<void>;
}

export async function startCache(deps: CacheDeps): Promise<StartedCache> {
  const { config, db, logger } = deps;
  const cache = createLayeredCache({
    prefix: config.cachePrefix,
    ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
    metrics: countRedisErrors(createCacheMetrics(deps.registry), deps.logMetrics?.operations ?? noOperationMetrics),
  });
  const stops: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => logger.warn({ err }, 'cache close'));
    await cache.close();
  };
  try {
    registerReadModelLoaders(cache.loaders, db);
    // Awaited before the command returns: another instance is stale for the pub/sub hop at most.
    deps.bus.onGroupCommitted((group) =>
      cache.invalidate(invalidationsForGroup(group), 'write', { committedAt: Date.now() }),
    );
    const notify = await startNotifyListener({
      db,
      cache,
      // NOTIFY channels are database-wide: other schemas' changes are not ours.
      schema: config.databaseSchema ?? 'public',
      onError: (err, payload) => logger.warn({ err, payload }, 'bad cache notification'),
    });
    stops.push(notify.stop);
    // One group per instance (each L1 must hear every event); dead instances' groups are swept here.

    const janitor = config.kafkaBrokers ? kafkaGroupJanitor(config.kafkaBrokers) : databaseGroupJanitor(db);
    const group = instanceGroup(deps.instanceId);
    stops.push(async () => {
      await janitor.remove(group).finally(() => janitor.close());
    });
    await janitor
      .sweep(CACHE_GROUP_PREFIX, deps.instanceId ? liveGroupsIn(db) : undefined)
      .then((gone) => gone.length > 0 && logger.info({ groups: gone }, 'removed cache groups of stopped instances'))
      .catch((err: unknown) => logger.warn({ err }, 'sweeping stale cache groups failed'));
    // A restore must stop the member first: Kafka refuses to move a group with members.
    await deps.consumers.start(group, () =>
      startConsumer({
        log: deps.log,
        codec: deps.codec,
        topic: deps.eventsTopic,
        group,
        from: 'latest',
        logger,
        ...(deps.logMetrics ? { metrics: deps.logMetrics } : {}),
        // Every other L1's backstop for a lost broadcast; the committer already moved Redis.
        handler: createCacheInvalidationHandler(cache, { localOnly: config.redisUrl !== undefined }),
        // A backstop can wait a little: a fetch then carries many relay rounds instead of one each.
        ...(config.redisUrl !== undefined ? { maxDelayMs: BACKSTOP_DELAY_MS } : {}),
        // Own events: the write path invalidated L1 before answering, and L1 generations fence overlapping loads.
        ...(deps.origin
          ? { handledElsewhere: (record: LogRecord) => record.headers[ORIGIN_HEADER] === deps.origin }
          : {}),
      }),
    );
    stops.push(() => deps.consumers.stop(group));
    const warming = cache.warm().catch((err: unknown) => logger.warn({ err }, 'cache warming failed'));
    stops.push(async () => void (await warming));
  } catch (error) {
    await close();
    throw error;
  }
  return { cache, reads: cachedReadModels(db, cache), close };
}
