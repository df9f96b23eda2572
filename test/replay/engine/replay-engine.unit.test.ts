// The replay engine on the embedded log: stepping, pacing (the acceptance checks), targets
// (handlers, another topic, sandbox), filters, errors, cancellation and progress.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeliveredEvent, EventHandler } from '../../../src/log/consumer-runner.ts';
import { LIVE_EVENTS_TOPIC, REPLAY_HEADER, startReplay, type ReplayJobSnapshot } from '../../../src/replay/index.ts';
import { EVENTS_TOPIC } from '../../../src/application/commands/command-bus.ts';
import { customerCreated } from '../../support/events.ts';
import { buildWorkload, codec, DAY, T0 } from '../workload.ts';
import { seededWorld, type ReplayWorld } from '../fixture.ts';

const workload = buildWorkload(6);

function recorder(name: string, replaySafe: boolean) {
  const seen: DeliveredEvent[] = [];
  const handler: EventHandler = { name, replaySafe, handle: async (events) => void seen.push(...events) };
  return { handler, seen };
}

/** `count` customer.created records spread evenly over [t0, t0 + spanMs). */
async function timedWindow(world: ReplayWorld, spanMs: number, count: number) {
  const topic = await world.newTopic(3);
  const t0 = Date.parse('2025-05-01T00:00:00Z');
  const stamps = Array.from({ length: count }, (_, i) =>
    i === count - 1 ? t0 + spanMs - 1 : t0 + Math.floor((i * spanMs) / count),
  );
  await world.log.append(
    topic,
    stamps.map((ts, i) => codec.toRecord(customerCreated(`timed-${i}`, new Date(ts).toISOString()))),
  );
  return { topic, start: t0, end: t0 + spanMs };
}

describe('replay engine', () => {
  let world: ReplayWorld;
  let topic: string;
  const deps = () => ({ log: world.log, codec });
  before(async () => {
    ({ world, topic } = await seededWorld(workload.events, 3));
  });
  after(() => world.close());

  test('MAX to handlers: every event once, per-customer order kept, unsafe handlers never invoked', async () => {
    const safe = recorder('read-model', true);
    const unsafe = recorder('notifier', false);
    const job = startReplay(deps(), { topic, target: { kind: 'handlers', handlers: [safe.handler, unsafe.handler] } });
    const done = await job.done;
    assert.equal(done.status, 'COMPLETED');
    assert.equal(done.delivered, workload.events.length);
    assert.deepEqual(done.progress, { processed: workload.events.length, total: workload.events.length, percent: 100 });
    assert.deepEqual(done.skippedHandlers, ['notifier']);
    assert.equal(unsafe.seen.length, 0);
    assert.ok(safe.seen.every((e) => e.record.headers[REPLAY_HEADER] === job.id));
    for (const id of workload.customers) {
      assert.deepEqual(
        safe.seen.filter((e) => e.record.key === id).map((e) => e.domainEvent.type),
        workload.events.filter((e) => e.data.customerId === id).map((e) => e.type),
      );
    }
    assert.equal(
      done.countsByType['com.droid.bss.usage.rated.v1'],
      workload.events.filter((e) => e.type === 'usage.rated').length,
    );
  });

  test('filters: a time window, event types and one customer (only its partition is read)', async () => {
    const start = T0 + 2 * DAY;
    const end = T0 + 20 * DAY;
    const r = recorder('r', true);
    const job = startReplay(deps(), {
      topic,
      startTime: new Date(start).toISOString(),
      endTime: end,
      filter: { customerId: 'cus-2', types: ['usage.rated', 'com.droid.bss.subscription.activated.v1'] },
      target: { kind: 'handlers', handlers: [r.handler] },
    });
    const done = await job.done;
    const expected = workload.events.filter(
      (e) =>
        e.data.customerId === 'cus-2' &&
        ['usage.rated', 'subscription.activated'].includes(e.type) &&
        Date.parse(e.data.at) >= start &&
        Date.parse(e.data.at) < end,
    );
    assert.deepEqual(
      r.seen.map((e) => e.domainEvent.type),
      expected.map((e) => e.type),
    );
    const partitionRecords = (await world.log.offsets(topic)).length;
    assert.ok(
      done.progress.total < workload.events.length,
      `read ${done.progress.total} of ${workload.events.length} (${partitionRecords} partitions)`,
    );
  });

  test('a source filter matches the CloudEvents source', async () => {
    const own = await world.newTopic(1);
    await world.log.append(own, [
      codec.toRecord(codec.encode(workload.events[0]!, { id: crypto.randomUUID(), source: '/bss/import' })),
      codec.toRecord(customerCreated('x-1')),
    ]);
    const job = startReplay(deps(), { topic: own, filter: { sources: ['/bss/import'] }, target: { kind: 'sandbox' } });
    const done = await job.done;
    assert.deepEqual([done.delivered, done.filtered], [1, 1]);
  });

  test('STEP_BY_STEP advances exactly n events per step', async () => {
    const r = recorder('r', true);
    const job = startReplay(deps(), {
      topic,
      speed: 'STEP_BY_STEP',
      target: { kind: 'handlers', handlers: [r.handler] },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(r.seen.length, 0);
    assert.equal(job.snapshot().status, 'PAUSED');
    await job.step(3);
    assert.equal(r.seen.length, 3);
    await job.step(1);
    assert.equal(r.seen.length, 4);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(r.seen.length, 4, 'nothing moves without a step');
    await job.step(10);
    assert.equal(r.seen.length, 14);
    // Stepping follows the global timeline.
    const stamps = r.seen.map((e) => e.record.timestamp);
    assert.deepEqual(
      stamps,
      [...stamps].sort((a, b) => a - b),
    );
    job.resume();
    const done = await job.done;
    assert.equal(done.status, 'COMPLETED');
    assert.equal(r.seen.length, workload.events.length);
  });

  test('pause on a parallel MAX replay: steps count events across partitions exactly', async () => {
    const r = recorder('r', true);
    const job = startReplay(deps(), { topic, pageSize: 4, target: { kind: 'handlers', handlers: [r.handler] } });
    job.pause();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(job.snapshot().status, 'PAUSED');
    assert.equal(r.seen.length, 0);
    await job.step(5);
    assert.equal(r.seen.length, 5);
    await job.step(7);
    assert.equal(r.seen.length, 12);
    job.resume();
    assert.equal((await job.done).delivered, workload.events.length);
    assert.equal(r.seen.length, workload.events.length);
  });

  test('REAL_TIME: a 10 s window takes 10 s ± 5 %', async () => {
    const w = await timedWindow(world, 10_000, 9);
    const started = performance.now();
    const done = await startReplay(deps(), {
      topic: w.topic,
      startTime: w.start,
      endTime: w.end,
      speed: 'REAL_TIME',
      target: { kind: 'sandbox' },
    }).done;
    const took = performance.now() - started;
    assert.equal(done.delivered, 9);
    assert.ok(Math.abs(took - 10_000) <= 500, `took ${took.toFixed(0)} ms`);
  });

  test('FAST: a 10 s window takes 1 s ± 10 %', async () => {
    const w = await timedWindow(world, 10_000, 12);
    const started = performance.now();
    const done = await startReplay(deps(), {
      topic: w.topic,
      startTime: w.start,
      endTime: w.end,
      speed: 'FAST',
      target: { kind: 'sandbox' },
    }).done;
    const took = performance.now() - started;
    assert.equal(done.delivered, 12);
    assert.ok(Math.abs(took - 1000) <= 100, `took ${took.toFixed(0)} ms`);
  });

  test('ULTRA_FAST paces on the global timeline across partitions', async () => {
    const w = await timedWindow(world, 20_000, 10);
    const times: number[] = [];
    const started = performance.now();
    const r: EventHandler = {
      name: 't',
      replaySafe: true,
      handle: async () => void times.push(performance.now() - started),
    };
    await startReplay(deps(), {
      topic: w.topic,
      startTime: w.start,
      endTime: w.end,
      speed: 'ULTRA_FAST',
      target: { kind: 'handlers', handlers: [r] },
    }).done;
    assert.equal(times.length, 10);
    assert.ok(Math.abs((times.at(-1) ?? 0) - 200) <= 40, `last event at ${times.at(-1)?.toFixed(0)} ms`);
    times.forEach((t, i) => assert.ok(t >= (i * 20_000) / 10 / 100 - 5, `event ${i} at ${t.toFixed(0)} ms`));
  });

  test('sandbox: folds views, appends nothing, writes no table, invokes no handler', async () => {
    const before = await world.footprint();
    const job = startReplay(deps(), { topic, endTime: T0 + 60 * DAY, target: { kind: 'sandbox' } });
    await job.done;
    for (const id of workload.customers) assert.deepEqual(job.views().get(id), workload.viewAt(id, T0 + 60 * DAY));
    assert.deepEqual(await world.footprint(), before);
  });

  test('to another topic: every record copied with the replay marker; never to bss.events or itself', async () => {
    const target = `${topic}-copy`;
    const job = startReplay(deps(), {
      topic,
      target: { kind: 'topic', topic: target },
      filter: { customerId: 'cus-3' },
    });
    const done = await job.done;
    const copies = (await Promise.all([0, 1, 2].map((p) => world.log.read(target, p, 0, { max: 1000 })))).flat();
    assert.equal(copies.length, done.delivered);
    assert.equal(copies.length, workload.events.filter((e) => e.data.customerId === 'cus-3').length);
    assert.ok(copies.every((r) => r.headers[REPLAY_HEADER] === job.id && r.key === 'cus-3'));
    assert.equal(LIVE_EVENTS_TOPIC, EVENTS_TOPIC);
    assert.throws(() => startReplay(deps(), { topic, target: { kind: 'topic', topic: EVENTS_TOPIC } }), {
      code: 'INVALID_REPLAY_REQUEST',
    });
    assert.throws(() => startReplay(deps(), { topic, target: { kind: 'topic', topic } }), {
      code: 'INVALID_REPLAY_REQUEST',
    });
  });

  test('errors: an invalid record fails the job, or is counted and skipped with ignoreErrors', async () => {
    const own = await world.newTopic(1);
    await world.log.append(own, [
      codec.toRecord(customerCreated('e-1')),
      { key: 'e-2', value: '{"not":"an event"}' },
      codec.toRecord(customerCreated('e-3')),
    ]);
    const failed = await startReplay(deps(), { topic: own, target: { kind: 'sandbox' } }).done;
    assert.equal(failed.status, 'FAILED');
    assert.match(failed.failure ?? '', /0\/1: invalid event/);
    const r = recorder('r', true);
    const ignored = await startReplay(deps(), {
      topic: own,
      ignoreErrors: true,
      target: { kind: 'handlers', handlers: [r.handler] },
    }).done;
    assert.equal(ignored.status, 'COMPLETED');
    assert.deepEqual([ignored.delivered, ignored.errorCount, r.seen.length], [2, 1, 2]);
    assert.deepEqual(ignored.errors[0], {
      partition: 0,
      offset: 1,
      type: null,
      message: 'invalid event: specversion must be 1.0',
    });
  });

  test('errors: a failing handler is isolated to the failing event', async () => {
    let calls = 0;
    const flaky: EventHandler = {
      name: 'flaky',
      replaySafe: true,
      handle: async (events) => {
        calls += 1;
        if (events.some((e) => e.domainEvent.type === 'invoice.issued')) throw new Error('boom');
      },
    };
    const done = await startReplay(deps(), {
      topic,
      ignoreErrors: true,
      target: { kind: 'handlers', handlers: [flaky] },
    }).done;
    const invoices = workload.events.filter((e) => e.type === 'invoice.issued').length;
    assert.equal(done.errorCount, invoices);
    assert.equal(done.delivered, workload.events.length - invoices);
    assert.ok(done.errors.every((e) => e.type === 'com.droid.bss.invoice.issued.v1' && e.message === 'boom'));
    assert.ok(calls > 0);
  });

  test('cancel stops a paced job; updates() yields progress and ends with the terminal snapshot', async () => {
    const w = await timedWindow(world, 60_000, 20);
    const job = startReplay(deps(), {
      topic: w.topic,
      startTime: w.start,
      speed: 'REAL_TIME',
      target: { kind: 'sandbox' },
    });
    const seen: ReplayJobSnapshot[] = [];
    const following = (async () => {
      for await (const s of job.updates()) seen.push(s);
    })();
    await new Promise((resolve) => setTimeout(resolve, 100));
    job.cancel();
    const done = await job.done;
    await following;
    assert.equal(done.status, 'CANCELLED');
    assert.ok(done.delivered >= 1 && done.delivered < 20);
    assert.equal(seen.at(-1)?.status, 'CANCELLED');
    assert.ok(seen.some((s) => s.status === 'RUNNING'));
  });

  test('bad requests are refused before a job starts', () => {
    assert.throws(() => startReplay(deps(), { topic, startTime: 'yesterday', target: { kind: 'sandbox' } }), {
      code: 'INVALID_REPLAY_REQUEST',
    });
    assert.throws(() => startReplay(deps(), { topic, startTime: 10, endTime: 5, target: { kind: 'sandbox' } }), {
      code: 'INVALID_REPLAY_REQUEST',
    });
  });
});
