// Security basics on the real composed app (PGlite, inject): per-caller rate limits, security headers,
// CORS closed by default and open to configured origins, and the configurable request limits.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { composedApp, type ComposedApp } from '../support/composed-app.ts';
import { CONTENT_SECURITY_POLICY, helmetHeaders } from '../../src/api/plugins/security-headers.ts';

const LIMITED = { BSS_RATE_LIMIT_MAX: '3', BSS_RATE_LIMIT_WINDOW_MS: '60000' };
const SMALL_LIMITS = {
  BSS_BODY_LIMIT_BYTES: '2048',
  BSS_MAX_JSON_DEPTH: '8',
  BSS_MAX_PARAM_LENGTH: '100',
  BSS_MAX_HEADER_BYTES: '2048',
};

describe('rate limits per caller', () => {
  let bss: ComposedApp;
  before(async () => {
    bss = await composedApp(LIMITED);
  });
  after(() => bss.close());

  test('the caller past its limit gets 429 RATE_LIMITED with Retry-After and RateLimit headers', async () => {
    for (let i = 0; i < 3; i++) {
      const ok = await bss.app.inject({ url: '/api/v1/customers', headers: bss.as('viewer') });
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.headers['ratelimit-limit'], '3');
      assert.equal(ok.headers['ratelimit-remaining'], String(2 - i));
    }
    const refused = await bss.app.inject({ url: '/api/v1/customers', headers: bss.as('viewer') });
    assert.equal(refused.statusCode, 429);
    assert.match(String(refused.headers['content-type']), /^application\/problem\+json/);
    const problem = refused.json();
    assert.equal(problem.code, 'RATE_LIMITED');
    assert.equal(problem.status, 429);
    assert.equal(problem.retryable, true);
    const retryAfter = Number(refused.headers['retry-after']);
    assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal(refused.headers['ratelimit-remaining'], '0');
  });

  test('each key has its own budget; writes count too', async () => {
    for (let i = 0; i < 3; i++) {
      const ok = await bss.app.inject({ url: '/api/v1/customers', headers: bss.as('operator') });
      assert.equal(ok.statusCode, 200);
    }
    const write = await bss.app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers: bss.as('operator'),
      payload: {},
    });
    assert.equal(write.statusCode, 429);
    const admin = await bss.app.inject({ url: '/api/v1/customers', headers: bss.as('admin') });
    assert.equal(admin.statusCode, 200);
  });

  test('health and metrics are never limited; public routes are limited by client IP', async () => {
    for (let i = 0; i < 6; i++) {
      assert.equal((await bss.app.inject({ url: '/health/live' })).statusCode, 200);
      assert.equal((await bss.app.inject({ url: '/metrics' })).statusCode, 200);
    }
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await bss.app.inject({ url: '/openapi.json' })).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
  });

  test('BSS_RATE_LIMIT_MAX=0 turns the limit off', async () => {
    const open = await composedApp({ BSS_RATE_LIMIT_MAX: '0' });
    try {
      for (let i = 0; i < 5; i++) {
        const response = await open.app.inject({ url: '/api/v1/customers', headers: open.as('viewer') });
        assert.equal(response.statusCode, 200);
        assert.equal(response.headers['ratelimit-limit'], undefined);
      }
    } finally {
      await open.close();
    }
  });
});

describe('security headers and CORS', () => {
  let closed: ComposedApp;
  let open: ComposedApp;
  before(async () => {
    closed = await composedApp(SMALL_LIMITS);
    open = await composedApp({ BSS_CORS_ORIGINS: 'https://ops.example.com,http://localhost:5173' });
  });
  after(async () => {
    await closed.close();
    await open.close();
  });

  test('every answer carries the helmet headers; the CSP allows only own scripts', async () => {
    for (const url of ['/api/v1/customers', '/console/', '/health/live', '/no-such-route']) {
      const response = await closed.app.inject({ url, headers: closed.as('viewer') });
      assert.equal(response.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(response.headers['x-frame-options'], 'SAMEORIGIN', url);
      const csp = String(response.headers['content-security-policy']);
      assert.match(csp, /script-src 'self'(;|$)/, url);
      assert.match(csp, /frame-ancestors 'none'/, url);
      assert.match(csp, /connect-src 'self'/, url);
      assert.doesNotMatch(csp, /upgrade-insecure-requests/, url);
      for (const [name, value] of Object.entries(helmetHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY }))) {
        assert.equal(response.headers[name], value, `${url} ${name}`);
      }
    }
  });

  test('closed by default: no origin is allowed, simple request or preflight', async () => {
    const simple = await closed.app.inject({
      url: '/api/v1/customers',
      headers: { ...closed.as('viewer'), origin: 'https://evil.example' },
    });
    assert.equal(simple.statusCode, 200);
    assert.equal(simple.headers['access-control-allow-origin'], undefined);
    const preflight = await closed.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/customers',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.ok(preflight.statusCode < 500, `preflight ${preflight.statusCode}`);
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    assert.equal(preflight.headers['access-control-allow-methods'], undefined);
  });

  test('a configured origin is allowed, with a preflight that names methods and headers', async () => {
    const preflight = await open.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/customers',
      headers: {
        origin: 'https://ops.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-api-key, content-type, idempotency-key',
      },
    });
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], 'https://ops.example.com');
    assert.match(String(preflight.headers['access-control-allow-methods']), /POST/);
    assert.match(String(preflight.headers['access-control-allow-headers']), /x-api-key/);
    const simple = await open.app.inject({
      url: '/api/v1/customers',
      headers: { ...open.as('viewer'), origin: 'https://ops.example.com' },
    });
    assert.equal(simple.headers['access-control-allow-origin'], 'https://ops.example.com');
    assert.match(String(simple.headers['access-control-expose-headers']), /retry-after/);
    const other = await open.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/customers',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });

  test('unknown paths stay 404 and methods a path lacks stay 405 with the CORS preflight route', async () => {
    const unknown = await open.app.inject({ url: '/no-such-route', headers: open.as('viewer') });
    assert.equal(unknown.statusCode, 404);
    const method = await open.app.inject({ method: 'DELETE', url: '/api/v1/customers', headers: open.as('admin') });
    assert.equal(method.statusCode, 405);
    assert.doesNotMatch(String(method.headers['allow']), /OPTIONS/);
  });
  test('configured limits answer problem+json: body 413, JSON depth 400, path parameter 414, headers 431', async () => {
    const admin = { ...closed.as('admin'), 'content-type': 'application/json' };
    const big = await closed.app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers: admin,
      payload: JSON.stringify({ firstName: 'x'.repeat(3000) }),
    });
    assert.equal(big.statusCode, 413);
    assert.match(String(big.headers['content-type']), /^application\/problem\+json/);
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    const deep = await closed.app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers: admin,
      payload: nested(9),
    });
    assert.equal(deep.statusCode, 400);
    assert.equal(deep.json().code, 'JSON_TOO_DEEP');
    assert.match(deep.json().detail, /deeper than 8 levels/);
    const shallow = await closed.app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers: admin,
      payload: nested(8),
    });
    assert.equal(shallow.statusCode, 400);
    assert.notEqual(shallow.json().code, 'JSON_TOO_DEEP');
    const longId = await closed.app.inject({ url: `/api/v1/customers/${'c'.repeat(101)}`, headers: admin });
    assert.equal(longId.statusCode, 414);
    assert.equal(longId.json().code, 'URI_TOO_LONG');

    await closed.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = closed.app.server.address() as AddressInfo;
    const headers = await fetch(`http://127.0.0.1:${port}/health/live`, { headers: { 'x-big': 'a'.repeat(3000) } });
    assert.equal(headers.status, 431);
    assert.equal(((await headers.json()) as { code: string }).code, 'HEADERS_TOO_LARGE');
    const url = await fetch(`http://127.0.0.1:${port}/api/v1/customers?q=${'a'.repeat(3000)}`);
    assert.equal(url.status, 431);
  });
});
