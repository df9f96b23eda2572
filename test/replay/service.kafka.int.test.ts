// The same replay engine on the real Kafka broker of scripts/services.sh (state tables on the real
// PostgreSQL): reconstruction with and without snapshots, stepping, the pacing acceptance checks,
// sandbox and topic targets, the timeline, and restoring a consumer group to a time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin } from '@platformatic/kafka';
import { createKafkaEventLog } from '../../src/log/kafka/kafka-event-log.ts';
import { groupOffsets, type EventLog } from '../../src/log/event-log.ts';
import { startConsumer, type DeliveredEvent, type EventHandler } from '../../src/log/consumer-runner.ts';
import { createPostgresDb } from '../../src/store/postgres-db.ts';
import { migrate } from '../../src/store/migrate.ts';
import type { Db } from '../../src/store/db.ts';
import { createLogger } from '../../src/observability/logger.ts';
import {
  countEvents,
  createDebugSessions,
  createSnapshotStore,
  createSnapshotter,
  reconstructCustomer,
  REPLAY_HEADER,
  restoreGroupOffsets,
  startReplay,
  timeline,
} from '../../src/replay/index.ts';
import { customerCreated } from '../support/events.ts';
import { foldCustomerView } from '../../src/domain/index.ts';
import { requireEnv, uniqueName } from '../support/env.ts';
import { deleteTopicsWithPrefix } from '../support/kafka-topics.ts';
import { waitFor } from '../support/wait.ts';
import { appendWorkload, buildWorkload, codec, DAY, T0 } from './workload.ts';

const workload = buildWorkload(6);
const GROUP = { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300, rebalanceTimeoutMs: 6_000, pollMs: 100 };

describe('replay on Kafka', () => {
  const brokers = requireEnv('BSS_KAFKA_BROKERS').split(',');
  const url = requireEnv('BSS_DATABASE_URL');
  const schema = uniqueName('replay');
  const topics: string[] = [];
  const groups: string[] = [];
  let log: EventLog;
  let db: Db;
  let topic: string;
  const deps = () => ({ log, codec });
  const newTopic = async (partitions = 3) => {
    const name = uniqueName('replay').replaceAll('_', '-');
    topics.push(name);
    await log.ensureTopic(name, { partitions });
    return name;
  };

  before(async () => {
    log = createKafkaEventLog({ brokers, clientId: uniqueName('replay-test'), group: GROUP });
    db = await createPostgresDb({ url, schema });
    await migrate(db);
    topic = await newTopic(3);
    await appendWorkload(log, topic, workload.events);
  });
  after(async () => {
    await log.close();
    await db.query(`DROP SCHEMA ${schema} CASCADE`);
    await db.close();
    const admin = new Admin({ clientId: 'bss-test-cleanup', bootstrapBrokers: brokers });
    if (groups.length > 0) await admin.deleteGroups({ groups }).catch(() => undefined);
    await admin.close();
    // Each topic with its replay copy, when a test made one.
    await deleteTopicsWithPrefix(brokers.join(','), ...topics);
  });

  test('reconstruct at several times equals the fold, with snapshots equal to without', async () => {
    const store = createSnapshotStore(db);
    assert.ok((await createSnapshotter({ log, codec, store, topic, every: 7 }).catchUp()) > 0);
    for (const at of [T0, T0 + 3 * DAY, T0 + 31 * DAY + 3 * 3_600_000, T0 + 60 * DAY]) {
      for (const customerId of workload.customers) {
        const plain = await reconstructCustomer(deps(), { topic, customerId, at });
        const fast = await reconstructCustomer({ ...deps(), snapshots: store }, { topic, customerId, at });
        assert.deepEqual(plain.view, workload.viewAt(customerId, at));
        assert.deepEqual(fast.view, plain.view);
        assert.ok(fast.fold.foldedRecords < 7);
      }
    }
  });

  test('counts by time and the timeline agree with the workload', async () => {
    const start = T0 + DAY;
    const end = T0 + 35 * DAY;
    const expected = workload.events.filter((e) => Date.parse(e.data.at) >= start && Date.parse(e.data.at) < end);
    assert.equal(await countEvents(log, topic, start, end), expected.length);
    let cursor: string | undefined;
    let seen = 0;
    do {
      const page = await timeline(deps(), {
        topic,
        startTime: start,
        endTime: end,
        maxEvents: 25,
        ...(cursor ? { cursor } : {}),
      });
      seen += page.events.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    assert.equal(seen, expected.length);
  });

  test('STEP_BY_STEP advances exactly n events', async () => {
    const seen: DeliveredEvent[] = [];
    const handler: EventHandler = { name: 'r', replaySafe: true, handle: async (e) => void seen.push(...e) };
    const job = startReplay(deps(), {
      topic,
      speed: 'STEP_BY_STEP',
      target: { kind: 'handlers', handlers: [handler] },
    });
    await job.step(5);
    assert.equal(seen.length, 5);
    await job.step(2);
    assert.equal(seen.length, 7);
    job.cancel();
    assert.equal((await job.done).status, 'CANCELLED');
  });

  for (const [speed, spanMs, expectedMs, tolerance] of [
    ['REAL_TIME', 10_000, 10_000, 0.05],
    ['FAST', 10_000, 1000, 0.1],
  ] as const) {
    test(`${speed}: a ${spanMs / 1000} s window takes ${expectedMs / 1000} s ± ${tolerance * 100} %`, async () => {
      const own = await newTopic(3);
      const t0 = Date.parse('2025-05-01T00:00:00Z');
      const stamps = Array.from({ length: 10 }, (_, i) => (i === 9 ? t0 + spanMs - 1 : t0 + (i * spanMs) / 10));
      await log.append(
        own,
        stamps.map((ts, i) => codec.toRecord(customerCreated(`paced-${i}`, new Date(ts).toISOString()))),
      );
      const started = performance.now();
      const done = await startReplay(deps(), {
        topic: own,
        startTime: t0,
        endTime: t0 + spanMs,
        speed,
        target: { kind: 'sandbox' },
      }).done;
      const took = performance.now() - started;
      assert.equal(done.delivered, 10);
      assert.ok(Math.abs(took - expectedMs) <= expectedMs * tolerance, `took ${took.toFixed(0)} ms`);
    });
  }

  test('sandbox appends nothing and invokes no unsafe handler; a topic target carries the marker', async () => {
    const before = await log.offsets(topic);
    const topicsBefore = (await log.topics()).filter((t) => topics.includes(t) || t.startsWith('bss.'));
    const job = startReplay(deps(), { topic, target: { kind: 'sandbox' } });
    await job.done;
    for (const id of workload.customers) assert.deepEqual(job.views().get(id), workload.viewAt(id, T0 + 100 * DAY));
    assert.deepEqual(await log.offsets(topic), before);
    assert.deepEqual(
      (await log.topics()).filter((t) => topics.includes(t) || t.startsWith('bss.')),
      topicsBefore,
    );

    let unsafeCalls = 0;
    const unsafe: EventHandler = { name: 'mailer', replaySafe: false, handle: async () => void (unsafeCalls += 1) };
    const handled = await startReplay(deps(), { topic, target: { kind: 'handlers', handlers: [unsafe] } }).done;
    assert.equal(unsafeCalls, 0);
    assert.deepEqual(handled.skippedHandlers, ['mailer']);

    const copy = startReplay(deps(), { topic, target: { kind: 'topic', topic: `${topic}-copy` } });
    const copied = await copy.done;
    assert.equal(copied.delivered, workload.events.length);
    const records = (await Promise.all([0, 1, 2].map((p) => log.read(`${topic}-copy`, p, 0, { max: 1000 })))).flat();
    assert.equal(records.length, workload.events.length);
    assert.ok(records.every((r) => r.headers[REPLAY_HEADER] === copy.id));
    assert.throws(() => startReplay(deps(), { topic, target: { kind: 'topic', topic: 'bss.events' } }), {
      code: 'INVALID_REPLAY_REQUEST',
    });
  });

  test('a debug session steps and stops at a state breakpoint', async () => {
    const sessions = createDebugSessions(deps());
    try {
      const session = await sessions.open({
        topic,
        at: T0 + 2 * DAY,
        filter: { customerId: 'cus-1' },
        breakpoints: [{ kind: 'state', path: 'balance.balance', op: 'lt', value: 0 }],
      });
      assert.deepEqual(session.state('cus-1'), workload.viewAt('cus-1', T0 + 2 * DAY));
      const step = await session.step(1000);
      assert.equal(step.hit.length, 1);
      assert.equal(step.events.at(-1)?.type, 'com.droid.bss.payment.captured.v1');
      // Stopped right after the capture: the allocation stamped the same moment is not folded yet.
      const mine = workload.events.filter((e) => e.data.customerId === 'cus-1');
      const upToCapture = mine.slice(0, mine.findIndex((e) => e.type === 'payment.captured') + 1);
      assert.deepEqual(session.state('cus-1'), foldCustomerView('cus-1', upToCapture));
    } finally {
      sessions.closeAll();
    }
  });

  test('restore a group to a timestamp: its consumer receives exactly the events from that moment', async () => {
    const group = uniqueName('replay-restore');
    groups.push(group);
    const received: string[] = [];
    const handler: EventHandler = {
      name: 'count',
      replaySafe: true,
      handle: async (e) => void received.push(...e.map((x) => x.event.id)),
    };
    const start = () => startConsumer({ log, codec, topic, group, handler, logger: createLogger('silent') });
    let consumer = await start();
    await waitFor('the group consumed everything', () => received.length === workload.events.length, 60_000);
    // The plan counts from the committed offsets: wait until the last batch's commit landed too.
    await waitFor(
      'the group committed everything',
      async () => (await groupOffsets(log, group, topic)).partitions.every((p) => p.lag === 0),
      60_000,
    );
    const at = T0 + 20 * DAY;
    const fromThen = workload.events.filter((e) => Date.parse(e.data.at) >= at).length;
    received.length = 0;
    const plan = await restoreGroupOffsets(
      { db, log },
      {
        group,
        topic,
        to: { time: at },
        pauseGroup: async () => {
          await consumer.stop();
          return async () => void (consumer = await start());
        },
      },
    );
    assert.equal(plan.redelivered, fromThen);
    await waitFor('the re-delivered events arrived', () => received.length >= fromThen, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(received.length, fromThen);
    await consumer.stop();
  });
});
