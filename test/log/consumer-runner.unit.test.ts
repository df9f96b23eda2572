// The consumer runner over the embedded database log (which passes the EventLog contract).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createPgliteDb } from '../../src/store/pglite-db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { createDatabaseEventLog } from '../../src/log/database/database-event-log.ts';
import { startConsumer, type DeliveredEvent, type EventHandler } from '../../src/log/consumer-runner.ts';
import { createLogMetrics } from '../../src/observability/log-metrics.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { codec, customerCreatedRecord } from '../support/events.ts';
import { waitFor } from '../support/wait.ts';

const logger = createLogger('silent');

async function setup() {
  const db = await createPgliteDb(undefined);
  await migrate(db);
  const log = createDatabaseEventLog(db, { heartbeatMs: 100, sessionTimeoutMs: 1000, pollMs: 50 });
  await log.ensureTopic('events', { partitions: 2 });
  const registry = new Registry();
  return { db, log, registry, metrics: createLogMetrics(registry) };
}

function collecting(
  behaviour: (events: readonly DeliveredEvent[]) => void = () => {},
): EventHandler & { seen: string[] } {
  const seen: string[] = [];
  return {
    name: 'test',
    replaySafe: true,
    seen,
    async handle(events) {
      behaviour(events);
      seen.push(...events.map((e) => e.domainEvent.data.customerId));
    },
  };
}

async function dlqRecords(log: Awaited<ReturnType<typeof setup>>['log']) {
  return log.read('bss.events.dlq', 0, 0, { max: 100 });
}

test('invalid records go to the DLQ with the reason and never reach the handler; the rest are delivered', async () => {
  const { db, log, metrics, registry } = await setup();
  await log.append('events', [
    customerCreatedRecord('c-1'),
    { key: 'c-2', value: '{broken json' },
    { key: 'c-3', value: JSON.stringify({ specversion: '1.0', id: 'x' }) },
    customerCreatedRecord('c-4'),
  ]);
  const handler = collecting();
  const consumer = await startConsumer({
    log,
    codec,
    topic: 'events',
    group: 'g1',
    handler,
    logger,
    metrics,
    backoffMs: 1,
  });
  await waitFor(
    'two valid events handled and two dead-lettered',
    async () => handler.seen.length === 2 && (await dlqRecords(log)).length === 2,
  );
  await consumer.stop();
  assert.deepEqual([...handler.seen].sort(), ['c-1', 'c-4']);
  const dead = await dlqRecords(log);
  assert.deepEqual(
    dead.map((r) => r.headers['dlq-reason']),
    ['invalid', 'invalid'],
  );
  assert.ok(dead.some((r) => r.headers['dlq-error'] === 'not JSON' && r.value === '{broken json'));
  assert.ok(dead.every((r) => /^events\/\d+\/\d+$/.test(r.headers['dlq-source'] ?? '')));
  assert.match(await registry.metrics(), /bss_dead_letters_total\{group="g1",reason="invalid"\} 2/);
  await db.close();
});

test('a failing handler is retried with backoff and succeeds without dead-lettering', async () => {
  const { db, log, metrics, registry } = await setup();
  await log.append('events', [customerCreatedRecord('c-1')]);
  let failures = 2;
  const handler = collecting(() => {
    if (failures-- > 0) throw new Error('database hiccup');
  });
  const consumer = await startConsumer({
    log,
    codec,
    topic: 'events',
    group: 'g2',
    handler,
    logger,
    metrics,
    backoffMs: 5,
  });
  await waitFor('the event is handled', () => handler.seen.length === 1);
  await consumer.stop();
  assert.equal((await dlqRecords(log)).length, 0);
  assert.match(await registry.metrics(), /bss_consumer_retries_total\{group="g2"\} 2/);
  await db.close();
});

test('a poison record is isolated and dead-lettered with its error after maxAttempts; the others still apply', async () => {
  const { db, log, metrics } = await setup();
  await log.append('events', [
    customerCreatedRecord('ok-1'),
    customerCreatedRecord('poison'),
    customerCreatedRecord('ok-2'),
  ]);
  const handler = collecting((events) => {
    if (events.some((e) => e.domainEvent.data.customerId === 'poison')) throw new Error('cannot apply poison');
  });
  const consumer = await startConsumer({
    log,
    codec,
    topic: 'events',
    group: 'g3',
    handler,
    logger,
    metrics,
    backoffMs: 1,
    maxAttempts: 3,
  });
  await waitFor(
    'ok events applied and the poison dead-lettered',
    async () => handler.seen.length === 2 && (await dlqRecords(log)).length === 1,
  );
  await consumer.stop();
  assert.deepEqual([...handler.seen].sort(), ['ok-1', 'ok-2']);
  const [dead] = await dlqRecords(log);
  assert.equal(dead?.headers['dlq-reason'], 'poison');
  assert.equal(dead?.headers['dlq-error'], 'cannot apply poison');
  assert.equal(dead?.headers['dlq-attempts'], '3');
  assert.equal(dead?.key, 'poison');
  // The group moved past everything: nothing is redelivered.
  const committed = await log.committed('g3', 'events');
  const ends = await log.offsets('events');
  assert.ok(ends.every((o) => committed.get(o.partition) === o.end));
  await db.close();
});

test('stop() interrupts a backoff and leaves the failed batch uncommitted for redelivery', async () => {
  const { db, log } = await setup();
  await log.append('events', [customerCreatedRecord('c-1')]);
  let attempts = 0;
  const handler = collecting(() => {
    attempts++;
    throw new Error('down');
  });
  const consumer = await startConsumer({
    log,
    codec,
    topic: 'events',
    group: 'g4',
    handler,
    logger,
    backoffMs: 60_000,
  });
  await waitFor('first attempt made', () => attempts === 1);
  const started = Date.now();
  await consumer.stop();
  assert.ok(Date.now() - started < 5000, 'stop does not wait for the 60 s backoff');
  assert.ok([...(await log.committed('g4', 'events')).values()].every((offset) => offset === null));
  assert.equal((await dlqRecords(log)).length, 0);
  await db.close();
});

test('records handledElsewhere picks are neither decoded nor handled, and are committed with their batch', async () => {
  const { db, log } = await setup();
  const own = (id: string) => ({ ...customerCreatedRecord(id), headers: { 'bss-origin': 'me' } });
  await log.append('events', [own('c-1'), customerCreatedRecord('c-2'), own('c-3'), { ...own('c-4'), value: '{x' }]);
  const handler = collecting();
  const consumer = await startConsumer({
    log,
    codec,
    topic: 'events',
    group: 'g-elsewhere',
    handler,
    logger,
    handledElsewhere: (record) => record.headers['bss-origin'] === 'me',
  });
  await waitFor('the other record handled and every offset committed', async () => {
    const committed = await log.committed('g-elsewhere', 'events');
    const ends = await log.offsets('events');
    return handler.seen.length === 1 && ends.every((o) => committed.get(o.partition) === o.end);
  });
  await consumer.stop();
  assert.deepEqual(handler.seen, ['c-2']);
  assert.equal((await dlqRecords(log)).length, 0, 'a record handled elsewhere is not even validated');
  await db.close();
});

test('a subscription that fails for good is started again with backoff; status() says so meanwhile', async () => {
  const { db, log } = await setup();
  let fail: ((error: Error) => void) | undefined;
  let subscribes = 0;
  const flaky = {
    ...log,
    async subscribe(options: Parameters<typeof log.subscribe>[0]) {
      subscribes += 1;
      if (subscribes === 2) throw new Error('broker still down'); // the first restart fails too
      const subscription = await log.subscribe(options);
      fail = (error) => {
        void subscription.close().then(() => options.onError?.(error));
      };
      return subscription;
    },
  };
  const handler = collecting();
  const consumer = await startConsumer({
    log: flaky,
    codec,
    topic: 'events',
    group: 'g-restart',
    handler,
    logger,
    backoffMs: 20,
    maxBackoffMs: 100,
  });
  try {
    assert.deepEqual(consumer.status(), { consuming: true });
    await log.append('events', [customerCreatedRecord('before')]);
    await waitFor('the first record', () => handler.seen.includes('before'));
    fail?.(new Error('fetch failed 11 times'));
    await waitFor('not consuming', () => !consumer.status().consuming);
    assert.match(consumer.status().error ?? '', /fetch failed|broker still down/);
    await waitFor('consuming again', () => consumer.status().consuming);
    assert.equal(subscribes, 3);
    await log.append('events', [customerCreatedRecord('after')]);
    await waitFor('a record after the restart', () => handler.seen.includes('after'));
  } finally {
    await consumer.stop();
    await log.close();
    await db.close();
  }
});

test('joinInBackground: start returns before the member joined; it consumes once the join succeeds', async () => {
  const { db, log } = await setup();
  let join: () => void = () => {};
  const joined = new Promise<void>((resolve) => (join = resolve));
  let subscribes = 0;
  const slowJoin = {
    ...log,
    async subscribe(options: Parameters<typeof log.subscribe>[0]) {
      if (++subscribes === 1) throw new Error('coordinator not available'); // a failed first join is retried
      await joined; // a rebalance waiting out a killed member's session
      return log.subscribe(options);
    },
  };
  const handler = collecting();
  const consumer = await startConsumer({
    log: slowJoin,
    codec,
    topic: 'events',
    group: 'g-background',
    handler,
    logger,
    backoffMs: 20,
    joinInBackground: true,
  });
  try {
    assert.equal(consumer.status().consuming, false);
    await waitFor('the second join attempt', () => subscribes === 2);
    assert.deepEqual(consumer.status(), { consuming: false, error: 'coordinator not available' });
    join();
    await waitFor('consuming', () => consumer.status().consuming);
    await log.append('events', [customerCreatedRecord('joined')]);
    await waitFor('a record', () => handler.seen.includes('joined'));
  } finally {
    await consumer.stop();
    await log.close();
    await db.close();
  }
});
