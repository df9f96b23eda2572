// Odd inputs that once reached the database and answered 500: NUL characters and lone surrogates in
// paths, queries, bodies and JSON keys, and times no Date can hold. Shared by the PGlite unit test and
// the PostgreSQL integration test, since both engines refuse such text in their own way.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { ComposedApp } from './composed-app.ts';
import { activeSubscription, client, createCustomer, type Client } from './journeys.ts';

/** A 400 problem+json whose errors[] name exactly these fields. */
export function assertFieldsRefused(response: LightMyRequestResponse, fields: readonly string[], what = ''): void {
  assert.equal(response.statusCode, 400, `${what}: ${response.body}`);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  const named = (response.json().errors as { field: string }[]).map((e) => e.field);
  for (const field of fields) assert.ok(named.includes(field), `${what}: ${field} not in ${named.join(', ')}`);
}

export function describeEdgeInputs(engine: string, open: () => Promise<ComposedApp>): void {
  describe(`edge inputs on ${engine}`, () => {
    let bss: ComposedApp;
    let send: Client;
    let admin: Client;
    let customerId: string;
    before(async () => {
      bss = await open();
      send = client(bss);
      admin = (options: InjectOptions) => send({ ...options, headers: { ...bss.as('admin'), ...options.headers } });
      customerId = await createCustomer(send);
    });
    after(() => bss.close());

    test('U+0000 in a path, a query and a body field is a 400 naming it', async () => {
      assertFieldsRefused(await send({ method: 'GET', url: '/api/v1/customers/a%00b' }), ['/params/id'], 'path');
      assertFieldsRefused(
        await send({ method: 'GET', url: '/api/v1/orders?customerId=a%00b' }),
        ['/querystring/customerId'],
        'query',
      );
      const body = await send({
        method: 'PATCH',
        url: `/api/v1/customers/${customerId}`,
        // A field without a pattern: a phone with U+0000 already fails its E.164 pattern.
        payload: { address: { line1: 'Hauptstraße 1', city: 'Wi\u0000en', postalCode: '1010', country: 'AT' } },
      });
      assertFieldsRefused(body, ['/body/address/city'], 'body');
      assert.match(body.json().errors[0].message, /U\+0000/);
    });

    test('U+0000 in a JSON key, nested, and a lone surrogate are refused the same way', async () => {
      const keyed = await admin({
        method: 'POST',
        url: '/api/v1/event-replay/debug-session',
        payload: { breakpoints: [{ kind: 'state', path: 'balance', op: 'eq', value: { nested: { 'k\u0000': 1 } } }] },
      });
      assertFieldsRefused(keyed, ['/body/breakpoints/0/value/nested/k\u0000'], 'key');
      const surrogate = await send({
        method: 'POST',
        url: '/api/v1/customers',
        headers: { 'content-type': 'application/json' },
        payload: `{"customerId":"cus_sur","firstName":"\\ud800","lastName":"K","email":"k@example.com","address":{"line1":"x","city":"y","postalCode":"1","country":"AT"}}`,
      });
      assertFieldsRefused(surrogate, ['/body/firstName'], 'surrogate');
      assert.equal((await send({ method: 'GET', url: '/api/v1/customers/cus_sur' })).statusCode, 404);
    });

    test('a usage record with U+0000 or a lone surrogate is invalid on its own; the others in the batch are rated', async () => {
      const { subscriptionId } = await activeSubscription(send);
      const record = (recordId: string, over: object = {}) => ({
        recordId,
        subscriptionId,
        usageType: 'sms',
        quantity: 1,
        startedAt: new Date().toISOString(),
        ...over,
      });
      const response = await send({
        method: 'POST',
        url: '/api/v1/usage',
        payload: {
          records: [
            record('cdr-nul-ok-1'),
            record('cdr-nul-bad-1', { subscriptionId: `${subscriptionId}\u0000` }),
            record('cdr-nul-bad-2', { subscriptionId: '\ud800' }),
            record('cdr-nul-ok-2'),
          ],
        },
      });
      assert.equal(response.statusCode, 202, response.body);
      const { results, accepted, invalid } = response.json();
      assert.deepEqual(
        results.map((r: { status: string; reason?: { field?: string } }) => [r.status, r.reason?.field]),
        [
          ['RATED', undefined],
          ['INVALID', 'subscriptionId'],
          ['INVALID', 'subscriptionId'],
          ['RATED', undefined],
        ],
      );
      assert.equal(accepted, 2);
      assert.equal(invalid, 2);
    });

    test('a list cursor beyond bigint and a body nested thousands deep are a 400, not a 500', async () => {
      const cursor = Buffer.from('seq:9999999999999999999').toString('base64url');
      const listed = await send({ method: 'GET', url: `/api/v1/customers?cursor=${cursor}` });
      assertFieldsRefused(listed, ['/querystring/cursor'], 'cursor');
      const deep = '['.repeat(5000) + ']'.repeat(5000);
      const nested = await send({
        method: 'POST',
        url: '/api/v1/customers',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'deep-body' },
        payload: deep,
      });
      assertFieldsRefused(nested, ['/body'], 'deep');
      assert.equal(nested.json().code, 'JSON_TOO_DEEP');
    });

    test('times no Date can hold, or that only Date.parse would read, are a 400 naming the field', async () => {
      const huge = '99999999999999999999';
      const queries: [string, string][] = [
        [`/count?startTime=0&endTime=${huge}`, 'endTime'],
        [`/estimate?startTime=${huge}`, 'startTime'],
        [`/timeline?endTime=${huge}`, 'endTime'],
        [`/diff?from=0&to=${huge}`, 'to'],
        [`/offsets/${bss.services.eventsTopic}/at?time=${huge}`, 'time'],
        ['/count?startTime=1.5', 'startTime'],
        ['/count?startTime=May%201%202001', 'startTime'],
        ['/count?startTime=2025-02-30T00:00:00Z', 'startTime'],
        ['/count?startTime=8640000000000001', 'startTime'],
      ];
      for (const [query, field] of queries) {
        assertFieldsRefused(await admin({ method: 'GET', url: `/api/v1/event-replay${query}` }), [
          `/querystring/${field}`,
        ]);
      }
      const bodies: [string, object, string][] = [
        ['/reconstruct-state', { targetTime: huge }, '/body/targetTime'],
        ['/reconstruct-state', { targetTime: 1e20 }, '/body/targetTime'],
        ['/debug-session', { at: '-5 May' }, '/body/at'],
        ['/rebuild', { until: huge }, '/body/until'],
        ['/restore', { group: 'g', to: { time: huge }, dryRun: true }, '/body/to/time'],
        ['/replay', { startTime: 0, endTime: huge }, '/body/endTime'],
        ['/replay', { startTime: 1.5 }, '/body/startTime'],
      ];
      for (const [path, payload, field] of bodies) {
        const response = await admin({ method: 'POST', url: `/api/v1/event-replay${path}`, payload });
        assertFieldsRefused(response, [field], path);
      }
      // Integer epoch milliseconds, negative ones too, are times (not the years Date.parse made of them).
      const negative = await admin({
        method: 'GET',
        url: '/api/v1/event-replay/count?startTime=-5&endTime=8640000000000000',
      });
      assert.equal(negative.statusCode, 200, negative.body);
      assert.deepEqual([negative.json().startTime, negative.json().endTime], [-5, 8.64e15]);
      const dated = await admin({ method: 'GET', url: '/api/v1/event-replay/count?startTime=2025-03-01' });
      assert.equal(dated.json().startTime, Date.UTC(2025, 2, 1));
    });
  });
}
