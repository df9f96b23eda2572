// HTTP semantics at the edge, on the real composed app: 405 with Allow for a method a path does not
// have, problem+json for every error the router or Node's parser answers (bad URL, 414, 431, 400; the
// last two over a real socket, which inject() cannot reach), 404 for an unknown customer in time
// travel and 400 listing the known event types for an unknown one in a filter.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { composedAppPerFile } from '../../support/composed-app.ts';
import { createCustomer, client, type Client } from '../../support/journeys.ts';

let admin: Client;
const bss = composedAppPerFile(
  {},
  {
    setUp: async () => {
      admin = client(bss);
      const operator = admin;
      admin = (options) => operator({ ...options, headers: { ...bss.as('admin'), ...options.headers } });
    },
  },
);

function assertProblem(response: LightMyRequestResponse, status: number, code: string): Record<string, unknown> {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  const problem = response.json();
  assert.equal(problem.code, code);
  assert.equal(problem.status, status);
  return problem;
}

describe('routing errors', () => {
  test('a method the path does not have is 405 with Allow; an unknown path stays 404', async () => {
    const del = await admin({ method: 'DELETE', url: '/api/v1/customers' });
    assertProblem(del, 405, 'METHOD_NOT_ALLOWED');
    assert.equal(del.headers['allow'], 'GET, HEAD, POST');
    const trace = await admin({ method: 'TRACE', url: '/health/live' });
    assertProblem(trace, 405, 'METHOD_NOT_ALLOWED');
    assert.equal(trace.headers['allow'], 'GET, HEAD');
    // QUERY is a body method no route has: 405, not a refusal for its missing Content-Type.
    const query = await admin({ method: 'QUERY', url: '/health/live' });
    assertProblem(query, 405, 'METHOD_NOT_ALLOWED');
    const put = await admin({ method: 'PUT', url: '/api/v1/customers/cus_x?fields=all' });
    assert.equal(put.headers['allow'], 'GET, HEAD, PATCH');
    // A static route beside a parametric one is its own resource: no PATCH of /customers/{id} here.
    const options = await admin({ method: 'OPTIONS', url: '/api/v1/customers/search?q=x' });
    assert.equal(options.headers['allow'], 'GET, HEAD');
    assertProblem(await admin({ method: 'DELETE', url: '/api/v1/nothing-here' }), 404, 'ROUTE_NOT_FOUND');
  });

  test('a malformed percent-encoding and a too long id are problem+json, not the router’s JSON', async () => {
    for (const url of ['/api/v1/customers/%00%ff', '/api/v1/customers/%E0%A4%A', '/api/v1/customers/%ED%A0%80']) {
      assertProblem(await admin({ method: 'GET', url }), 400, 'INVALID_URL');
    }
    assertProblem(await admin({ method: 'GET', url: `/api/v1/customers/${'x'.repeat(5000)}` }), 414, 'URI_TOO_LONG');
  });
});

/** Sends raw bytes and reads the whole answer (the server closes the connection after a parse error). */
async function raw(port: number, request: string): Promise<{ status: number; type: string; body: unknown }> {
  const text = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('close', () => resolve(received));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' ? resolve(received) : reject(error),
    );
  });
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
    type: /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? '',
    body: JSON.parse(body),
  };
}

describe('errors of Node’s HTTP parser, over a socket', () => {
  let port: number;
  before(async () => {
    await bss.app.listen({ port: 0, host: '127.0.0.1' });
    port = (bss.app.server.address() as AddressInfo).port;
  });

  test('huge headers and a huge query are 431, a malformed request or a NUL in a header 400, all problem+json', async () => {
    const cases: [string, number, string][] = [
      [`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'],
      [`GET /api/v1/customers?q=${'a'.repeat(40_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'],
      ['GET /health/live HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 400, 'MALFORMED_REQUEST'],
      ['GET /health/live HTTP/1.1\r\nHost: x\r\nIf-Match: "a\u0000b"\r\n\r\n', 400, 'MALFORMED_REQUEST'],
      ['NONSENSE\r\n\r\n', 400, 'MALFORMED_REQUEST'],
    ];
    for (const [request, status, code] of cases) {
      const answer = await raw(port, request);
      assert.equal(answer.status, status, request.slice(0, 40));
      assert.equal(answer.type, 'application/problem+json');
      assert.deepEqual(answer.body, {
        type: `https://bss.droid.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
        title: status === 431 ? 'Request Header Fields Too Large' : 'Bad Request',
        status,
        detail: (answer.body as { detail: string }).detail,
        code,
      });
    }
  });
});

describe('time travel: unknown customers and event types', () => {
  const BASE = '/api/v1/event-replay';

  test('reconstruct-state of a customer the log does not know is 404; one not yet created is its empty view', async () => {
    const problem = assertProblem(
      await admin({ method: 'POST', url: `${BASE}/reconstruct-state`, payload: { customerId: 'cus_never' } }),
      404,
      'CUSTOMER_NOT_FOUND',
    );
    assert.match(String(problem['detail']), /cus_never/);
    const customerId = await createCustomer(admin);
    const before = await admin({
      method: 'POST',
      url: `${BASE}/reconstruct-state`,
      payload: { customerId, targetTime: 0 },
    });
    assert.equal(before.statusCode, 200, before.body);
    assert.equal(before.json().customers[customerId].customer, null);
    const now = await admin({ method: 'POST', url: `${BASE}/reconstruct-state`, payload: { customerId } });
    assert.equal(now.json().customers[customerId].customer.status, 'ACTIVE');
  });

  test('an unknown event type in a timeline, replay or breakpoint is 400 listing the known types', async () => {
    const timeline = assertProblem(
      await admin({ method: 'GET', url: `${BASE}/timeline?type=order.placed,bogus` }),
      400,
      'UNKNOWN_EVENT_TYPE',
    );
    assert.match(String(timeline['detail']), /"bogus".*known types: .*customer\.created.*payment\./);
    assert.deepEqual(
      (timeline['errors'] as { field: string }[]).map((e) => e.field),
      ['/querystring/type'],
    );
    const ok = await admin({ method: 'GET', url: `${BASE}/timeline?type=com.droid.bss.customer.created.v1` });
    assert.equal(ok.statusCode, 200, ok.body);
    const replay = await admin({ method: 'POST', url: `${BASE}/replay`, payload: { filter: { types: ['bogus'] } } });
    assertProblem(replay, 400, 'UNKNOWN_EVENT_TYPE');
    const session = await admin({
      method: 'POST',
      url: `${BASE}/debug-session`,
      payload: { breakpoints: [{ kind: 'type', type: 'bogus' }] },
    });
    assertProblem(session, 400, 'UNKNOWN_EVENT_TYPE');
  });
});
