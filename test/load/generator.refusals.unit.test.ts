// The generator against a service that refuses with 503 (admission control): setup calls are sent
// again after Retry-After, and in the run each refusal is counted per step with its latency and
// whether it said when to retry. A plain node:http fake stands in for the service.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { runLoad, setupCustomers, UsageLedger } from '../../src/load/generator.ts';
import { jsonClient } from '../../src/load/http.ts';
import { parseMix } from '../../src/load/mix.ts';

let server: http.Server;
let url: string;
let customerPosts = 0;
const keys: string[] = [];

before(async () => {
  server = http.createServer((request, response) => {
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    request.resume();
    const path = request.url ?? '';
    if (request.method === 'GET') return answer(200, {});
    if (path === '/api/v1/customers')
      return ++customerPosts === 1 ? answer(503, {}, { 'retry-after': '1' }) : answer(201, {});
    if (path === '/api/v1/orders') return answer(201, { orderId: 'o1' });
    if (path.endsWith('/complete')) return answer(200, { subscriptionIds: ['s1'] });
    if (path === '/api/v1/usage') {
      keys.push(String(request.headers['idempotency-key']));
      return answer(503, { code: 'OVERLOADED' }, { 'retry-after': '1' });
    }
    return answer(200, {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => server.close());

test('a setup call refused with 503 is sent again after Retry-After', async () => {
  customerPosts = 0;
  const client = jsonClient(undefined, 4);
  const targets = await setupCustomers(client, [url], 'r1', 1, 1);
  client.close();
  assert.deepEqual(targets, [{ customerId: 'ld-r1-0', subscriptionId: 's1' }]);
  assert.equal(customerPosts, 2);
});

test('refusals in the run are counted per step, with Retry-After seen; writes carry their own Idempotency-Key', async () => {
  keys.length = 0;
  const ledger = new UsageLedger();
  const report = await runLoad({
    urls: [url],
    steps: [{ eventsPerSecond: 35, durationMs: 1_000 }],
    mix: parseMix('usage=70,read=30'),
    customers: 2,
    zipf: 0,
    usageBatch: 1,
    idempotencyKeys: true,
    ledger,
  });
  const step = report.steps[0];
  assert.ok(step);
  assert.equal(step.shed, keys.length, 'every usage call was refused and counted');
  assert.ok(step.shed >= 30, `${step.shed} refusals`);
  assert.equal(step.shedWithoutRetryAfter, 0);
  assert.equal(step.shedLatency.count, step.shed);
  assert.equal(step.shedExchange.count, step.shed, 'each refusal timed from its connection too');
  assert.ok((step.shedExchange.p99 ?? Infinity) <= (step.shedLatency.max ?? 0), 'within its time from schedule');
  assert.equal(step.timeouts, 0);
  assert.ok(step.okPerSecond > 0, 'the reads were answered');
  assert.equal(new Set(keys).size, keys.length, 'one key per call');
  assert.equal(ledger.sent.size, keys.length, 'every record sent is in the ledger');
  assert.equal(ledger.acknowledged.size, 0, 'a refused record is not acknowledged');
});
