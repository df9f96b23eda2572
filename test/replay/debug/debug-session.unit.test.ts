// Debug sessions on the embedded log: open at a time, step, seek, breakpoints (type and a state
// predicate that breaks when it becomes true), controlled replay into the session, expiry.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cloudEventType } from '../../../src/events/envelope.ts';
import { createDebugSessions, type DebugSessions } from '../../../src/replay/index.ts';
import type { CustomerView } from '../../../src/domain/index.ts';
import { buildWorkload, codec, DAY, T0 } from '../workload.ts';
import { seededWorld, type ReplayWorld } from '../fixture.ts';

const workload = buildWorkload(6);
const eventsOf = (id: string) => workload.events.filter((e) => e.data.customerId === id);

describe('debug sessions', () => {
  let world: ReplayWorld;
  let topic: string;
  let sessions: DebugSessions;
  before(async () => {
    ({ world, topic } = await seededWorld(workload.events, 3));
    sessions = createDebugSessions({ log: world.log, codec });
  });
  after(async () => {
    sessions.closeAll();
    await world.close();
  });

  test('open at a time, step n events, seek back: the state follows the fold', async () => {
    const customerId = 'cus-3';
    const at = T0 + 2 * DAY + 4 * 3_600_000;
    const session = await sessions.open({ topic, at, filter: { customerId } });
    assert.deepEqual(session.state(customerId), workload.viewAt(customerId, at));
    const mine = eventsOf(customerId);
    const done = mine.filter((e) => Date.parse(e.data.at) <= at).length;
    const step = await session.step(3);
    assert.deepEqual(
      step.events.map((e) => e.type),
      mine.slice(done, done + 3).map((e) => cloudEventType(e.type)),
    );
    const last = step.events.at(-1)!;
    assert.deepEqual(session.state(customerId), workload.viewAt(customerId, last.timestamp));
    await session.seek(T0);
    assert.deepEqual(session.state(customerId), workload.viewAt(customerId, T0));
    assert.equal(sessions.get(session.id), session);
  });

  test('a type filter picks the events stepped through; the state still folds every event', async () => {
    const session = await sessions.open({ topic, filter: { customerId: 'cus-0', types: ['usage.rated'] } });
    const step = await session.step(2);
    assert.deepEqual(
      step.events.map((e) => e.type),
      [cloudEventType('usage.rated'), cloudEventType('usage.rated')],
    );
    const at = step.events[1]!.timestamp;
    assert.deepEqual(session.state('cus-0'), workload.viewAt('cus-0', at));
  });

  test('breakpoints: on a type, and on balance.balance < 0 becoming true', async () => {
    const session = await sessions.open({
      topic,
      filter: { customerId: 'cus-1' },
      breakpoints: [{ kind: 'type', type: 'com.droid.bss.invoice.issued.v1' }],
    });
    const first = await session.step(1000);
    assert.equal(first.events.at(-1)?.type, 'com.droid.bss.invoice.issued.v1');
    assert.equal(first.hit[0]?.kind, 'type');
    assert.equal(first.atEnd, false);
    session.addBreakpoint({ kind: 'state', path: 'balance.balance', op: 'lt', value: 0 });
    const second = await session.step(1000);
    assert.equal(second.hit[0]?.kind, 'state');
    const view = session.state('cus-1') as CustomerView;
    assert.ok(view.balance.balance < 0);
    assert.equal(second.events.at(-1)?.type, 'com.droid.bss.payment.captured.v1');
    const rest = await session.step(1000);
    assert.deepEqual(rest.hit, [], 'the balance stays negative: no second break');
    assert.equal(rest.atEnd, true);
    assert.deepEqual(session.state('cus-1'), workload.viewAt('cus-1', T0 + 100 * DAY));
  });

  test('a breakpoint predicate is data: unknown ops and paths are refused, nothing is evaluated', async () => {
    const session = await sessions.open({ topic, filter: { customerId: 'cus-2' } });
    assert.throws(
      () => session.addBreakpoint({ kind: 'state', path: 'balance.balance', op: 'eval' as never, value: 0 }),
      {
        code: 'INVALID_REPLAY_REQUEST',
      },
    );
    assert.throws(() => session.addBreakpoint({ kind: 'state', path: '', op: 'eq', value: 0 }), {
      code: 'INVALID_REPLAY_REQUEST',
    });
    const bp = session.addBreakpoint({ kind: 'state', path: 'constructor.name', op: 'exists' });
    assert.deepEqual((await session.step(1000)).hit, [], 'no prototype walking');
    assert.equal(session.removeBreakpoint(bp.id), true);
  });

  test('controlled replay plays into the session and pauses at a breakpoint; the cursor follows', async () => {
    const session = await sessions.open({
      topic,
      filter: { customerId: 'cus-5' },
      breakpoints: [{ kind: 'type', type: 'order.completed' }],
    });
    const job = await session.controlledReplay({ until: T0 + 10 * DAY, speed: 'MAX' });
    const deadline = Date.now() + 5000;
    while (job.snapshot().status !== 'PAUSED' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(job.snapshot().status, 'PAUSED');
    const completedAt = Date.parse(eventsOf('cus-5').find((e) => e.type === 'order.completed')!.data.at);
    assert.equal(session.info().time, completedAt);
    await job.step(1);
    job.resume();
    const done = await job.done;
    assert.equal(done.status, 'COMPLETED');
    assert.deepEqual(session.state('cus-5'), workload.viewAt('cus-5', T0 + 10 * DAY));
    const next = await session.step(1);
    const expectedNext = eventsOf('cus-5').find((e) => Date.parse(e.data.at) > T0 + 10 * DAY)!;
    assert.equal(next.events[0]?.type, cloudEventType(expectedNext.type));
  });

  test('controlled replay of a window: seeks to its start, stops after its end', async () => {
    const session = await sessions.open({ topic, filter: { customerId: 'cus-4' } });
    const from = T0 + 3 * DAY;
    const until = T0 + 3 * DAY + 5 * 3_600_000;
    const inWindow = eventsOf('cus-4').filter((e) => Date.parse(e.data.at) > from && Date.parse(e.data.at) <= until);
    assert.ok(inWindow.length > 0);
    const job = await session.controlledReplay({ from, until, speed: 'MAX' });
    assert.equal((await job.done).delivered, inWindow.length);
    assert.deepEqual(session.state('cus-4'), workload.viewAt('cus-4', until));
    await assert.rejects(session.controlledReplay({ from: until, until: from, speed: 'MAX' }), {
      code: 'INVALID_REPLAY_REQUEST',
    });
  });

  test('an idle session expires', async () => {
    const short = createDebugSessions({ log: world.log, codec }, { idleMs: 100 });
    const session = await short.open({ topic, filter: { customerId: 'cus-0' } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.throws(() => short.get(session.id), { code: 'NOT_FOUND' });
    assert.deepEqual(short.list(), []);
    short.closeAll();
  });
});
