// /api/v1/event-replay on the real composed app (embedded PGlite, database log), after a workload
// driven through the HTTP API: every route at least once, the SSE stream to the job's end, the
// invariant reconstruct(now) == live read model for every customer (and at every captured moment),
// a sandbox replay that writes nothing, admin only, and the live topic guarded.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { composedAppPerFile } from '../../../support/composed-app.ts';
import {
  assertSameState,
  billingPeriod,
  liveView,
  runWorkload,
  type Moment,
  type Send,
} from '../../../support/replay-workload.ts';
import { eventCounts } from '../../../support/journeys.ts';

const BASE = '/api/v1/event-replay';
let send: Send;
let customerIds: string[];
let moments: Moment[];
let topic: string;

const bss = composedAppPerFile(
  { BSS_TEST_CLOCK: new Date(billingPeriod().from).toISOString() },
  {
    setUp: async () => {
      topic = bss.services.eventsTopic;
      send = async (method, url, body) => {
        const response = await bss.app.inject({
          method: method as 'GET',
          url,
          headers: bss.as('admin'),
          ...(body !== undefined ? { payload: body as object } : {}),
        });
        return { status: response.statusCode, body: response.body === '' ? null : response.json() };
      };
      ({ customerIds, moments } = await runWorkload(send, 'unit', 4));
    },
  },
);

const get = async (path: string, status = 200) => {
  const sent = await send('GET', `${BASE}${path}`);
  assert.equal(sent.status, status, `GET ${path}: ${JSON.stringify(sent.body)}`);
  return sent.body;
};
const post = async (path: string, body: unknown, status = 200) => {
  const sent = await send('POST', `${BASE}${path}`, body);
  assert.equal(sent.status, status, `POST ${path}: ${JSON.stringify(sent.body)}`);
  return sent.body;
};
const waitFor = async (id: string) => {
  for (let i = 0; i < 500; i++) {
    const job = await get(`/replay/${id}`);
    if (job.finishedAt !== null) return job;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`job ${id} did not finish`);
};

describe('time travel', () => {
  test('reconstruct-state at now equals the live read model of every customer', async () => {
    const now = await post('/reconstruct-state', {});
    assert.equal(now.topic, topic);
    assert.deepEqual(Object.keys(now.customers).sort(), [...customerIds].sort());
    for (const id of customerIds) assertSameState(now.customers[id], await liveView(send, id), `now ${id}`);
  });

  test('reconstruct-state at each captured moment equals what the API showed then', async () => {
    for (const moment of moments) {
      const then = await post('/reconstruct-state', { targetTime: moment.at });
      for (const id of customerIds) assertSameState(then.customers[id], moment.views[id]!, `${moment.label} ${id}`);
      const one = await post('/reconstruct-state', { topic, targetTime: moment.at, customerId: customerIds[1] });
      assert.deepEqual(one.customers[customerIds[1]!], then.customers[customerIds[1]!]);
    }
  });

  test('diff between two moments names the changes and the events that made them', async () => {
    const [subscribed, usage] = moments as [Moment, Moment];
    const diff = await get(`/diff?from=${subscribed.at}&to=${usage.at}&customerId=${customerIds[0]}`);
    assert.ok(diff.changes.some((c: { path: string }) => c.path === 'customer.email'));
    assert.ok(diff.events.some((e: { type: string }) => e.type === 'com.droid.bss.customer.contactUpdated.v1'));
    await get(`/diff?from=${usage.at}&to=${subscribed.at}`, 400);
  });

  test('timeline pages through a window with filters and a cursor', async () => {
    const first = await get(`/timeline?maxEvents=3&customerId=${customerIds[0]}`);
    assert.equal(first.events.length, 3);
    assert.ok(first.nextCursor);
    const next = await get(`/timeline?maxEvents=3&customerId=${customerIds[0]}&cursor=${first.nextCursor}`);
    assert.notEqual(next.events[0].offset, first.events[0].offset);
    const typed = await get(
      `/timeline?type=customer.created&maxEvents=100&startTime=${moments[0]!.at.slice(0, 4)}-01-01T00:00:00Z`,
    );
    assert.equal(typed.events.length, customerIds.length);
    await get('/timeline?cursor=nonsense', 400);
  });
});

describe('offsets, counts and estimates', () => {
  test('offsets of one topic, of all, and at a time', async () => {
    const all = await bss.countEvents();
    const one = await get(`/offsets/${topic}`);
    assert.equal(one.count, all);
    const everything = await get('/offsets');
    assert.ok(everything.topics.some((t: { topic: string }) => t.topic === topic));
    const at = await get(`/offsets/${topic}/at?time=${moments[0]!.at}`);
    assert.equal(at.partitions.length, 4);
    await get('/offsets/no.such.topic', 404);
  });

  test('count and estimate of a window', async () => {
    const total = await get('/count');
    assert.equal(total.count, await bss.countEvents());
    const window = await get(`/count?startTime=${moments[0]!.at}&endTime=${moments[1]!.at}`);
    assert.ok(window.count > 0 && window.count < total.count);
    const mine = await get(`/count?customerId=${customerIds[0]}`);
    assert.ok(mine.count > 0 && mine.count < total.count);
    const fast = await get(`/estimate?startTime=${moments[0]!.at}&endTime=${moments[1]!.at}&speed=FAST`);
    assert.equal(fast.estimatedMs, (Date.parse(moments[1]!.at) - Date.parse(moments[0]!.at)) / 10);
    assert.equal((await get('/estimate?speed=STEP_BY_STEP')).estimatedMs, null);
    assert.equal(fast.warning, null);
  });
});

describe('a replay estimated to take years', () => {
  test('says so in the estimate, the 202 answer and the job view (issue 12, defect 4)', async () => {
    const window = `startTime=0&endTime=${encodeURIComponent(moments[1]!.at)}`;
    const estimate = await get(`/estimate?${window}&speed=REAL_TIME`);
    assert.ok(estimate.estimatedMs > 50 * 365 * 86_400_000, String(estimate.estimatedMs));
    assert.match(estimate.warning, /estimated to take 5\d\.\d years/);
    const started = await post('/replay', { startTime: 0, endTime: moments[1]!.at, speed: 'REAL_TIME' }, 202);
    assert.equal(started.estimatedMs, estimate.estimatedMs);
    assert.equal(started.warning, estimate.warning);
    const job = await get(`/replay/${started.id}`);
    assert.equal(job.warning, estimate.warning);
    // Paced from 1970: it waits (it does not skip the gap), until cancelled.
    assert.equal(job.delivered, 0);
    assert.equal((await post(`/replay/${started.id}/cancel`, null)).status, 'CANCELLED');
    const fast = await post('/replay', { startTime: moments[0]!.at, speed: 'MAX' }, 202);
    assert.equal(fast.warning, null);
    assert.equal((await waitFor(fast.id)).status, 'COMPLETED');
  });
});

describe('replay jobs', () => {
  test('a sandbox replay (seed spec body) completes, adds no event and changes no read model', async () => {
    const events = await eventCounts(bss.services.db);
    const views = await Promise.all(customerIds.map((id) => liveView(send, id)));
    const job = await post(
      '/replay',
      { topic, startTime: moments[0]!.at, options: { speed: 'MAX', ignoreErrors: false, parallelProcessing: true } },
      202,
    );
    const done = await waitFor(job.id);
    assert.equal(done.status, 'COMPLETED');
    assert.ok(done.delivered > 0);
    assert.deepEqual(await eventCounts(bss.services.db), events);
    assert.deepEqual(await Promise.all(customerIds.map((id) => liveView(send, id))), views);
    assert.ok((await get('/replay')).items.some((j: { id: string }) => j.id === job.id));
  });

  test('SSE: progress events until the job ends', async () => {
    const job = await post('/replay', { speed: 'STEP_BY_STEP', customerId: customerIds[0] }, 202);
    const stream = bss.app.inject({ method: 'GET', url: `${BASE}/replay/${job.id}/events`, headers: bss.as('admin') });
    const stepped = await post(`/replay/${job.id}/step?n=2`, null);
    assert.ok(stepped.progress.processed >= 2);
    const cancelled = await post(`/replay/${job.id}/cancel`, null);
    assert.equal(cancelled.status, 'CANCELLED');
    const response = await stream;
    assert.match(String(response.headers['content-type']), /^text\/event-stream/);
    const updates = response.body
      .split('\n\n')
      .filter((block) => block.startsWith('event: progress'))
      .map((block) =>
        JSON.parse(
          block
            .split('\n')
            .find((l) => l.startsWith('data: '))!
            .slice(6),
        ),
      );
    assert.ok(updates.length >= 2);
    assert.equal(updates.at(-1).status, 'CANCELLED');
  });

  test('a handlers target calls the replay-safe handlers by name; an unknown name is 422', async () => {
    const job = await post('/replay', { target: { kind: 'handlers', names: ['cache-invalidation'] } }, 202);
    const done = await waitFor(job.id);
    assert.equal(done.status, 'COMPLETED');
    assert.equal(done.delivered, await bss.countEvents());
    await post('/replay', { target: { kind: 'handlers', names: ['send-emails'] } }, 422);
  });

  test('a topic target never appends to the live topic, prefixed or not; unknown jobs are 404', async () => {
    for (const target of [topic, 'other-env.bss.events']) {
      const refused = await send('POST', `${BASE}/replay`, { target: { kind: 'topic', topic: target } });
      assert.equal(refused.status, 400);
      assert.equal(refused.body.code, 'INVALID_REPLAY_REQUEST');
    }
    await get('/replay/nope', 404);
  });
});

describe('consumer groups and read models', () => {
  test('snapshot, list, restore (dry run and for real)', async () => {
    const bounds = (await get(`/offsets/${topic}`)).partitions;
    await bss.services.log.commit(
      'replay-test',
      topic,
      bounds.map((p: { partition: number; latest: number }) => ({ partition: p.partition, offset: p.latest })),
    );
    const snapshot = await post('/snapshot', { group: 'replay-test', name: 'before' }, 201);
    assert.equal(snapshot.topic, topic);
    assert.ok((await get('/snapshots?group=replay-test')).items.some((s: { id: string }) => s.id === snapshot.id));
    const plan = await post('/restore', { group: 'replay-test', to: { position: 'earliest' }, dryRun: true });
    assert.equal(plan.redelivered, await bss.countEvents());
    const byTime = await post('/restore', { group: 'replay-test', to: { time: moments[1]!.at } });
    assert.equal(byTime.dryRun, false);
    const back = await post('/restore', { group: 'replay-test', to: { snapshotId: snapshot.id } });
    assert.equal(back.skipped, byTime.redelivered);
    // Another group's snapshot: a well-formed request the stored snapshot refuses (422, not 400).
    const other = await post('/restore', { group: 'other-group', to: { snapshotId: snapshot.id } }, 422);
    assert.equal(other.code, 'SNAPSHOT_MISMATCH');
    const offsets = await get('/offsets');
    const group = offsets.groups.find((g: { group: string }) => g.group === 'replay-test');
    assert.ok(group.partitions.every((p: { lag: number }) => p.lag === 0));
  });

  test("restore pauses this instance's consumers of the group (and only of that group) meanwhile", async () => {
    const seen: string[] = [];
    const starter = async () => {
      seen.push('start');
      return {
        group: 'replay-hooked',
        assignment: () => [],
        status: () => ({ consuming: true }),
        stop: async () => void seen.push('stop'),
      };
    };
    await bss.services.consumers.start('replay-hooked', starter);
    await post('/restore', { group: 'replay-hooked', to: { position: 'latest' }, dryRun: true });
    assert.deepEqual(seen, ['start'], 'a dry run pauses nothing');
    await post('/restore', { group: 'replay-hooked', to: { position: 'latest' } });
    assert.deepEqual(seen, ['start', 'stop', 'start']);
    await post('/restore', { group: 'replay-test', to: { position: 'latest' } });
    assert.deepEqual(seen, ['start', 'stop', 'start'], 'another group leaves it running');
    assert.ok(bss.services.consumers.runs('replay-hooked'));
  });

  test('restore of the instance’s own cache group restarts its member, which consumes from the new offsets', async () => {
    const cache = (await get('/offsets')).groups.find((g: { group: string }) => g.group.startsWith('bss-cache-'));
    assert.ok(cache, 'the cache consumer’s group is listed');
    assert.ok(bss.services.consumers.runs(cache.group), 'it runs through the registry, so a restore can pause it');
    const plan = await post('/restore', { group: cache.group, to: { position: 'earliest' } });
    assert.ok(plan.redelivered > 0);
    // A member left running would keep its old position (and commit it again); a restarted one
    // reads the restored offsets and consumes up to the end.
    for (let i = 0; ; i++) {
      const now = (await get('/offsets')).groups.find((g: { group: string }) => g.group === cache.group);
      if (now.partitions.every((p: { lag: number }) => p.lag === 0)) break;
      assert.ok(i < 200, `still lagging: ${JSON.stringify(now.partitions)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(bss.services.consumers.runs(cache.group));
  });

  test('rebuild into shadow tables, then swapped: the read models stay as they were', async () => {
    const views = await Promise.all(customerIds.map((id) => liveView(send, id)));
    const shadow = await post('/rebuild', { swap: false });
    assert.equal(shadow.swapped, false);
    const rebuilt = await post('/rebuild', null);
    assert.equal(rebuilt.swapped, true);
    assert.equal(rebuilt.rows.customer, customerIds.length);
    const afterRebuild = await Promise.all(customerIds.map((id) => liveView(send, id)));
    assert.deepEqual(afterRebuild, views);
  });
});

describe('debug sessions', () => {
  test('open, step, breakpoints, seek, state, controlled replay, close', async () => {
    const customerId = customerIds[0]!;
    const session = await post('/debug-session', { filter: { customerId } }, 201);
    assert.equal((await get(`/debug-session/${session.id}`)).id, session.id);
    const stepped = await post(`/debug-session/${session.id}/step?n=2`, null);
    assert.equal(stepped.events.length, 2);
    const bp = await post(`/debug-session/${session.id}/breakpoints`, { kind: 'type', type: 'invoice.issued' }, 201);
    const hit = await post(`/debug-session/${session.id}/step?n=1000`, null);
    assert.deepEqual(
      hit.hit.map((b: { id: string }) => b.id),
      [bp.id],
    );
    assert.equal(hit.events.at(-1).type, 'com.droid.bss.invoice.issued.v1');
    // One form of an event type in the API: the breakpoint given as invoice.issued is shown with the CloudEvent type.
    assert.equal(bp.type, 'com.droid.bss.invoice.issued.v1');
    const removed = await send('DELETE', `${BASE}/debug-session/${session.id}/breakpoints/${bp.id}`);
    assert.equal(removed.status, 204);
    await send('DELETE', `${BASE}/debug-session/${session.id}/breakpoints/${bp.id}`).then((r) =>
      assert.equal(r.status, 404),
    );

    const moment = moments[1]!;
    await post(`/debug-session/${session.id}/seek?time=${moment.at}`, null);
    const state = await get(`/debug-session/${session.id}/state?customerId=${customerId}`);
    assertSameState(state.state, moment.views[customerId]!, 'session at usage');

    const job = await post(
      '/controlled-replay',
      { sessionId: session.id, until: moments.at(-1)!.at, speed: 'MAX' },
      202,
    );
    assert.equal((await waitFor(job.id)).status, 'COMPLETED');
    const final = await get(`/debug-session/${session.id}/state?customerId=${customerId}`);
    assertSameState(final.state, await liveView(send, customerId), 'session after controlled replay');

    assert.equal((await send('DELETE', `${BASE}/debug-session/${session.id}`)).status, 204);
    await get(`/debug-session/${session.id}`, 404);
  });
});

test('every route is admin only: viewer and operator get 403', async () => {
  for (const role of ['viewer', 'operator'] as const) {
    for (const [method, url] of [
      ['GET', `${BASE}/offsets`],
      ['GET', `${BASE}/count`],
      ['POST', `${BASE}/reconstruct-state`],
      ['POST', `${BASE}/replay`],
      ['POST', `${BASE}/rebuild`],
    ] as const) {
      const response = await bss.app.inject({
        method,
        url,
        headers: bss.as(role),
        ...(method === 'POST' ? { payload: {} } : {}),
      });
      assert.equal(response.statusCode, 403, `${role} ${method} ${url}`);
      assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    }
  }
});
