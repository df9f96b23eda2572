// Time travel in the distributed mode: the real service process on PostgreSQL with Kafka (events reach
// the log through the outbox relay), its own topic prefix and a test clock. After a workload driven
// through the HTTP API, reconstruct-state at now equals the live read model of every customer, and
// at each moment captured during the workload (phases separated by moving the test clock) it equals
// what the API showed then.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type ServiceProcess } from '../support/service-process.ts';
import { requireEnv, uniqueName } from '../support/env.ts';
import { deleteTopicsWithPrefix } from '../support/kafka-topics.ts';
import { createPostgresDb } from '../../src/store/postgres-db.ts';
import {
  assertSameState,
  billingPeriod,
  httpSend,
  liveView,
  runWorkload,
  type Moment,
  type Send,
} from '../support/replay-workload.ts';

const ADMIN_KEY = 'e2e-replay-admin-key-0123456789abcdef';
const schema = uniqueName('replay');
const prefix = `${schema.replaceAll('_', '-')}.`;
let service: ServiceProcess;
let send: Send;
let customerIds: string[];
let moments: Moment[];

/** Events the service committed (bss_events_total), which the relay publishes to Kafka. */
async function committedEvents(): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('bss_events_total{'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

/** Waits until the topic holds every committed event: the outbox relay publishes asynchronously. */
async function logCaughtUp(): Promise<number> {
  const expected = await committedEvents();
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { body } = await send('GET', '/api/v1/event-replay/count');
    if (body.count === expected) return expected;
    assert.ok(Date.now() < deadline, `the log holds ${body.count} of ${expected} committed events`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

before(async () => {
  service = await startService({
    BSS_DATABASE_URL: requireEnv('BSS_DATABASE_URL'),
    BSS_DATABASE_SCHEMA: schema,
    BSS_KAFKA_BROKERS: requireEnv('BSS_KAFKA_BROKERS'),
    BSS_TOPIC_PREFIX: prefix,
    BSS_EVENT_PARTITIONS: '4',
    BSS_ADMIN_API_KEY: ADMIN_KEY,
    BSS_TEST_CLOCK: new Date(billingPeriod().from).toISOString(),
  });
  send = httpSend(service.url, ADMIN_KEY);
  ({ customerIds, moments } = await runWorkload(send, schema, 6));
});

after(async () => {
  const code = await service.stop();
  const db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL') });
  await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await db.close();
  await deleteTopicsWithPrefix(requireEnv('BSS_KAFKA_BROKERS'), prefix);
  // Checked after the cleanup, so that a bad exit does not leave the schema and topics behind.
  assert.equal(code, 0);
});

test('the prefixed live topic on Kafka holds every committed event', async () => {
  const events = await logCaughtUp();
  const { status, body } = await send('GET', `/api/v1/event-replay/offsets/${prefix}bss.events`);
  assert.equal(status, 200);
  assert.equal(body.count, events);
  assert.equal(body.partitions.length, 4);
});

test('reconstruct-state at now equals the live read model of every customer', async () => {
  await logCaughtUp();
  const { status, body } = await send('POST', '/api/v1/event-replay/reconstruct-state', {});
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.topic, `${prefix}bss.events`);
  assert.deepEqual(Object.keys(body.customers).sort(), [...customerIds].sort());
  for (const id of customerIds) assertSameState(body.customers[id], await liveView(send, id), `now ${id}`);
});

test('reconstruct-state at each earlier moment equals what the API showed then', async () => {
  await logCaughtUp();
  assert.equal(moments.length, 4);
  for (const moment of moments) {
    const { status, body } = await send('POST', '/api/v1/event-replay/reconstruct-state', { targetTime: moment.at });
    assert.equal(status, 200, JSON.stringify(body));
    for (const id of customerIds) assertSameState(body.customers[id], moment.views[id]!, `${moment.label} ${id}`);
    // One customer alone (only its partition is read) agrees with the whole system's fold.
    const one = await send('POST', '/api/v1/event-replay/reconstruct-state', {
      targetTime: moment.at,
      customerId: customerIds[3],
    });
    assert.deepEqual(one.body.customers[customerIds[3]!], body.customers[customerIds[3]!]);
  }
});

test('a sandbox replay on Kafka, followed over SSE to its end, writes nothing', async () => {
  const events = await logCaughtUp();
  const views = await Promise.all(customerIds.map((id) => liveView(send, id)));
  const { status, body: job } = await send('POST', '/api/v1/event-replay/replay', {
    startTime: moments[0]!.at,
    options: { speed: 'MAX', parallelProcessing: true },
  });
  assert.equal(status, 202);
  const stream = await fetch(`${service.url}/api/v1/event-replay/replay/${job.id}/events`, {
    headers: { 'x-api-key': ADMIN_KEY },
  });
  assert.match(String(stream.headers.get('content-type')), /^text\/event-stream/);
  const updates = (await stream.text())
    .split('\n\n')
    .flatMap((block) => block.split('\n').filter((line) => line.startsWith('data: ')))
    .map((line) => JSON.parse(line.slice(6)));
  const last = updates.at(-1);
  assert.equal(last.status, 'COMPLETED');
  assert.equal(last.progress.processed, last.progress.total);
  assert.equal(
    last.delivered,
    (await send('GET', `/api/v1/event-replay/count?startTime=${moments[0]!.at}`)).body.count,
  );
  assert.equal(await committedEvents(), events);
  assert.equal((await send('GET', '/api/v1/event-replay/count')).body.count, events);
  assert.deepEqual(await Promise.all(customerIds.map((id) => liveView(send, id))), views);
});

test('a replay never appends to the prefixed live topic', async () => {
  const { status, body } = await send('POST', '/api/v1/event-replay/replay', {
    target: { kind: 'topic', topic: `${prefix}bss.events` },
  });
  assert.equal(status, 400);
  assert.equal(body.code, 'INVALID_REPLAY_REQUEST');
});

test('rebuild on Kafka (outbox drained first) leaves every read model as it was', async () => {
  const before = await Promise.all(customerIds.map((id) => liveView(send, id)));
  const { status, body } = await send('POST', '/api/v1/event-replay/rebuild', {});
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.swapped, true);
  assert.equal(body.events, await committedEvents());
  const rebuilt = await Promise.all(customerIds.map((id) => liveView(send, id)));
  assert.deepEqual(rebuilt, before);
});
