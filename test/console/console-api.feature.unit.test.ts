// The API the console stands on, on the real composed app (embedded PGlite): GET /me, the customer
// search, the live metrics stream, and the console's static files being public while the API is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composedAppPerFile } from '../support/composed-app.ts';
import type { LiveSample } from '../../src/observability/live-metrics.ts';
import { assertSearchCases, seedSearchCustomers } from './search-fixtures.ts';

const bss = composedAppPerFile(
  {},
  {
    setUp: async () => {
      await seedSearchCustomers(bss.app, bss.as('operator'));
    },
  },
);

test('GET /api/v1/me names the caller and its role; without credentials 401', async () => {
  for (const role of ['viewer', 'operator', 'admin'] as const) {
    const response = await bss.app.inject({ url: '/api/v1/me', headers: bss.as(role) });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { id: `key:${bss.keys[role].keyId}`, role, via: 'api-key' });
  }
  assert.equal((await bss.app.inject({ url: '/api/v1/me' })).statusCode, 401);
});

test('customer search by id, email or name, case-insensitive; wildcards match themselves', async () => {
  await assertSearchCases(bss.app, bss.as('viewer'));
});

test('customer search refuses an empty or over-long q with a 400 naming the field', async () => {
  for (const url of [
    '/api/v1/customers/search',
    '/api/v1/customers/search?q=',
    `/api/v1/customers/search?q=${'x'.repeat(201)}`,
  ]) {
    const response = await bss.app.inject({ url, headers: bss.as('viewer') });
    assert.equal(response.statusCode, 400, url);
    assert.ok(JSON.stringify(response.json().errors).includes('q'), response.body);
  }
});

test('the console is public at /console/ and / redirects there; /api/v1/live needs credentials', async () => {
  const root = await bss.app.inject({ url: '/' });
  assert.equal(root.statusCode, 302);
  assert.equal(root.headers.location, '/console/');
  const page = await bss.app.inject({ url: '/console/' });
  // Built by `npm install` (prepare); the not-built answer is a 503 problem naming the command.
  assert.equal(page.statusCode, 200, page.body);
  assert.match(page.body, /<div id="app">/);
  const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
  assert.ok(script, 'index.html loads the bundle');
  const bundle = await bss.app.inject({ url: script });
  assert.equal(bundle.statusCode, 200);
  assert.match(String(bundle.headers['cache-control']), /immutable/);
  assert.equal((await bss.app.inject({ url: '/api/v1/live' })).statusCode, 401);
});

test('GET /api/v1/live streams samples of the registry every second (viewer)', async () => {
  await bss.app.listen({ port: 0, host: '127.0.0.1' });
  const address = bss.app.server.address();
  assert.ok(address && typeof address === 'object');
  const controller = new AbortController();
  const response = await fetch(`http://127.0.0.1:${address.port}/api/v1/live`, {
    headers: bss.as('viewer'),
    signal: controller.signal,
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  // Traffic while the stream runs: requests and an event, counted in the next samples.
  await seedSearchCustomers(bss.app, bss.as('operator'), 'live');
  let text = '';
  const samples = () => [...text.matchAll(/data: (.+)\n/g)].map((m) => JSON.parse(m[1]!) as LiveSample);
  while (!samples().some((s) => s.requestsPerSecond > 0 && Object.keys(s.eventsByType).length > 0)) {
    text += (await reader.read()).value ?? '';
  }
  controller.abort();
  const all = samples();
  const busy = all.find((s) => s.requestsPerSecond > 0)!;
  assert.ok(
    all.every((s, i) => i === 0 || s.t > all[i - 1]!.t),
    'samples in time order',
  );
  assert.equal(busy.targetEventsPerSecond, 6667);
  assert.ok(busy.latency.p99! > 0 && busy.latency.p50! <= busy.latency.p99!);
  assert.equal(busy.errorRate, 0);
  assert.ok(
    Object.keys(busy.eventsByType).some((type) => type.includes('customer.created')),
    JSON.stringify(busy),
  );
  assert.equal(busy.shedPerSecond, 0, 'bss_requests_shed_total exists (admission control) and nothing was shed');
});

test('GET /event-replay/histogram: buckets add up to the count of the window, filtered as the timeline; admin only; bad input 400', async () => {
  const histogram = await bss.app.inject({ url: '/api/v1/event-replay/histogram?buckets=7', headers: bss.as('admin') });
  assert.equal(histogram.statusCode, 200, histogram.body);
  const body = histogram.json() as { start: number; end: number; buckets: { count: number }[]; total: number };
  const count = await bss.app.inject({ url: '/api/v1/event-replay/count', headers: bss.as('admin') });
  assert.ok(body.total > 0);
  assert.equal(body.total, count.json().count);
  assert.equal(
    body.buckets.reduce((sum, b) => sum + b.count, 0),
    body.total,
  );
  assert.ok(body.buckets.length <= 7 && body.buckets.length > 0);

  const empty = await bss.app.inject({
    url: '/api/v1/event-replay/histogram?startTime=1000&endTime=2000',
    headers: bss.as('admin'),
  });
  assert.equal(empty.json().total, 0);
  assert.equal(
    (await bss.app.inject({ url: '/api/v1/event-replay/histogram', headers: bss.as('viewer') })).statusCode,
    403,
  );
  // Filtered like the timeline: the same events as its pages; a small scan limit leaves a scan partial.
  const get = async (url: string) => {
    const response = await bss.app.inject({ url: `/api/v1/event-replay/${url}`, headers: bss.as('admin') });
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  };
  const created = await get('histogram?type=customer.created&buckets=5');
  const listed = await get('timeline?type=customer.created&maxEvents=10000');
  assert.ok(created.total > 0);
  assert.equal((await get('histogram?type=order.placed')).total, 0, 'no orders in this log');
  assert.deepEqual(
    { total: created.total, partial: created.partial, countedBy: created.countedBy, scanned: created.scanned },
    { total: listed.events.length, partial: false, countedBy: 'log', scanned: 0 },
  );
  // Free text reads the records (the database log counts types, customers and sources itself).
  const partial = await get('histogram?type=customer.created&q=specversion&scanLimit=2');
  assert.deepEqual({ partial: partial.partial, scanned: partial.scanned }, { partial: true, scanned: 2 });
  assert.equal(typeof partial.countedUntil, 'number');
  for (const query of [
    'buckets=0',
    'buckets=501',
    'startTime=yesterday',
    'extra=1',
    'type=no.such',
    'customerId=c&scanLimit=0',
    'customerId=c&scanLimit=100001',
  ]) {
    const bad = await bss.app.inject({ url: `/api/v1/event-replay/histogram?${query}`, headers: bss.as('admin') });
    assert.equal(bad.statusCode, 400, `${query}: ${bad.body}`);
  }
});

test('GET /consumer-groups (any role): committed offsets and lag per partition, and the offset snapshots', async () => {
  const before = await bss.app.inject({ url: '/api/v1/consumer-groups', headers: bss.as('viewer') });
  assert.equal(before.statusCode, 200, before.body);
  const { groups } = before.json() as {
    groups: { group: string; members: number; membersHere: number; partitions: { lag: number; end: number }[] }[];
  };
  assert.ok(groups.length > 0, 'the service’s own consumers have groups');
  for (const g of groups) for (const p of g.partitions) assert.ok(p.lag >= 0 && p.lag <= p.end, JSON.stringify(g));
  // One process: every live member of a group is one of this instance's consumers.
  for (const g of groups) assert.equal(g.members, g.membersHere, g.group);
  assert.ok(
    groups.some((g) => g.membersHere > 0),
    'the service runs consumers of its groups',
  );

  const group = groups[0]!.group;
  const taken = await bss.app.inject({
    method: 'POST',
    url: '/api/v1/event-replay/snapshot',
    headers: bss.as('admin'),
    payload: { group, name: 'console-unit' },
  });
  assert.equal(taken.statusCode, 201, taken.body);
  const after = await bss.app.inject({ url: '/api/v1/consumer-groups', headers: bss.as('viewer') });
  const snapshot = (after.json().snapshots as { id: string; name: string; group: string }[]).find(
    (s) => s.id === taken.json().id,
  );
  assert.deepEqual(snapshot && { name: snapshot.name, group: snapshot.group }, { name: 'console-unit', group });

  // Reading is for anyone signed in; snapshots and restores stay admin.
  assert.equal((await bss.app.inject({ url: '/api/v1/consumer-groups' })).statusCode, 401);
  const denied = await bss.app.inject({
    method: 'POST',
    url: '/api/v1/event-replay/snapshot',
    headers: bss.as('operator'),
    payload: { group },
  });
  assert.equal(denied.statusCode, 403);
});

test('GET /event-replay/handlers lists the replay-safe handlers a replay may name (admin)', async () => {
  const listed = await bss.app.inject({ url: '/api/v1/event-replay/handlers', headers: bss.as('admin') });
  assert.equal(listed.statusCode, 200, listed.body);
  assert.deepEqual(listed.json(), { handlers: [{ name: 'cache-invalidation' }] });
  // Each listed name is one a handlers replay accepts.
  const job = await bss.app.inject({
    method: 'POST',
    url: '/api/v1/event-replay/replay',
    headers: bss.as('admin'),
    payload: { speed: 'MAX', target: { kind: 'handlers', names: ['cache-invalidation'] } },
  });
  assert.equal(job.statusCode, 202, job.body);
  for (const role of ['viewer', 'operator'] as const) {
    const denied = await bss.app.inject({ url: '/api/v1/event-replay/handlers', headers: bss.as(role) });
    assert.equal(denied.statusCode, 403);
  }
});
