// The cache wired as compose would in embedded mode (PGlite, database event log, L1 only): the real
// command bus invalidates on commit, and a consumer-runner group with the cache handler invalidates
// from the log, so a reader never sees the state from before a command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  attachWritePathInvalidation,
  createCache,
  createCacheInvalidationHandler,
  entityEntry,
} from '../../src/cache/index.ts';
import { createCommandBus, EVENTS_TOPIC } from '../../src/application/commands/command-bus.ts';
import { customerCommands } from '../../src/application/commands/customers.ts';
import { getRow } from '../../src/application/queries/read-model-queries.ts';
import { createEventCodec } from '../../src/events/codec.ts';
import { EVENT_CATALOG } from '../../src/events/catalog.ts';
import { appendWithin } from '../../src/log/database/append.ts';
import { createDatabaseEventLog } from '../../src/log/database/database-event-log.ts';
import { startConsumer } from '../../src/log/consumer-runner.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createPgliteDb } from '../../src/store/pglite-db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { waitFor } from '../support/wait.ts';
import { customerBody } from '../support/customers.ts';

test('write path and event log invalidate what a command changed', async () => {
  const db = await createPgliteDb(undefined);
  await migrate(db);
  const codec = createEventCodec(EVENT_CATALOG);
  const log = createDatabaseEventLog(db, { heartbeatMs: 100, sessionTimeoutMs: 1000, pollMs: 50 });
  await log.ensureTopic(EVENTS_TOPIC, { partitions: 2 });
  const bus = createCommandBus({
    db,
    codec,
    sink: { appendWithin: async (tx, topic, records) => void (await appendWithin(tx, topic, records)) },
  });
  const cache = createCache({ prefix: 'unit:' });
  attachWritePathInvalidation(bus, cache);
  const consumer = await startConsumer({
    log,
    codec,
    topic: EVENTS_TOPIC,
    group: `cache-${randomUUID()}`,
    handler: createCacheInvalidationHandler(cache),
    logger: createLogger('silent'),
    from: 'latest',
  });
  try {
    const customers = customerCommands(bus, () => new Date().toISOString());
    const id = randomUUID();
    await customers.create(customerBody(id));
    const { key, tags } = entityEntry('customer', id);
    const read = () =>
      cache.get(key, async () => (await getRow<{ status: string }>(db, 'customer', id))?.state.status, {
        ttlMs: 60_000,
        tags,
      });
    assert.equal(await read(), 'ACTIVE');
    await customers.suspend(id, 'unpaid');
    assert.equal(await read(), 'SUSPENDED', 'the write path invalidated before the command returned');
    await waitFor('event source', () => cache.stats().invalidations.event >= 1, 10_000);
    assert.ok(cache.stats().invalidations.write >= 2);
  } finally {
    await consumer.stop();
    await cache.close();
    await log.close();
    await db.close();
  }
});
