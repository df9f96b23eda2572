import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from 'typebox';
import { testApp } from '../support/app.ts';

test('GET /health/live answers 200', async () => {
  const app = await testApp();
  const response = await app.inject({ method: 'GET', url: '/health/live' });
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json(), { status: 'live' });
  assert.match(String(response.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  await app.close();
});

test('GET /health/ready is 503 and names the dependency that is down', async () => {
  const app = await testApp([
    { name: 'database', check: async () => {} },
    { name: 'redis', check: async () => Promise.reject(new Error('ECONNREFUSED')) },
  ]);
  const response = await app.inject({ method: 'GET', url: '/health/ready' });
  assert.equal(response.statusCode, 503);
  const body = response.json();
  assert.deepEqual(body.down, ['redis']);
  assert.equal(body.checks.database.status, 'up');
  assert.equal(body.checks.redis.error, 'ECONNREFUSED');
  await app.close();
});

test('GET /health/ready stays 200 "degraded" when only a dependency it can serve without is down', async () => {
  const app = await testApp([
    { name: 'database', check: async () => {} },
    { name: 'kafka', required: false, check: async () => Promise.reject(new Error('ECONNREFUSED')) },
    { name: 'redis', required: false, check: async () => {} },
  ]);
  const response = await app.inject({ method: 'GET', url: '/health/ready' });
  assert.equal(response.statusCode, 200);
  const body = response.json();
  assert.equal(body.status, 'degraded');
  assert.deepEqual(body.down, ['kafka']);
  assert.deepEqual(body.checks.kafka, { status: 'down', required: false, error: 'ECONNREFUSED' });
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  assert.match(metrics.body, /bss_dependency_up\{dependency="kafka",required="false"\} 0/);
  assert.match(metrics.body, /bss_dependency_up\{dependency="database",required="true"\} 1/);
  await app.close();
});

test('GET /health/ready is 200 when every check answers', async () => {
  const app = await testApp([{ name: 'database', check: async () => {} }]);
  const response = await app.inject({ method: 'GET', url: '/health/ready' });
  assert.equal(response.statusCode, 200);
  assert.equal(response.json().status, 'ready');
  await app.close();
});

test('an incoming x-request-id is kept and echoed', async () => {
  const app = await testApp();
  const response = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'abc-123' } });
  assert.equal(response.headers['x-request-id'], 'abc-123');
  await app.close();
});

test('unknown routes get an RFC 9457 problem', async () => {
  const app = await testApp();
  const response = await app.inject({ method: 'GET', url: '/nope' });
  assert.equal(response.statusCode, 404);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  const problem = response.json();
  assert.equal(problem.code, 'ROUTE_NOT_FOUND');
  assert.equal(problem.status, 404);
  assert.equal(problem.title, 'Not Found');
  assert.equal(problem.instance, '/nope');
  await app.close();
});

test('bodies are validated strictly: wrong types and unknown fields are named in errors[]', async () => {
  const app = await testApp();
  app.post(
    '/echo',
    { schema: { body: Type.Object({ quantity: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }) } },
    async (request) => request.body,
  );
  const response = await app.inject({ method: 'POST', url: '/echo', payload: { quantity: '5', colour: 'red' } });
  assert.equal(response.statusCode, 400);
  const problem = response.json();
  assert.equal(problem.code, 'VALIDATION_FAILED');
  const fields = problem.errors.map((e: { field: string }) => e.field).sort();
  assert.deepEqual(fields, ['/body/colour', '/body/quantity']);
  await app.close();
});

test('query strings are coerced: ?limit=10 is the number 10', async () => {
  const app = await testApp();
  app.get(
    '/items',
    { schema: { querystring: Type.Object({ limit: Type.Integer({ maximum: 100 }) }) } },
    async (request) => request.query,
  );
  assert.deepEqual((await app.inject({ method: 'GET', url: '/items?limit=10' })).json(), { limit: 10 });
  const tooMany = await app.inject({ method: 'GET', url: '/items?limit=1000' });
  assert.equal(tooMany.statusCode, 400);
  assert.equal(tooMany.json().errors[0].field, '/querystring/limit');
  await app.close();
});

test('an oversized body gets 413 with a clear problem', async () => {
  const app = await testApp();
  app.post('/echo', async () => ({}));
  const response = await app.inject({
    method: 'POST',
    url: '/echo',
    headers: { 'content-type': 'application/json' },
    payload: `"${'x'.repeat(9 * 1024 * 1024)}"`,
  });
  assert.equal(response.statusCode, 413);
  assert.equal(response.json().code, 'CTP_BODY_TOO_LARGE');
  await app.close();
});

test('unexpected errors are 500 problems that hide internals', async () => {
  const app = await testApp();
  app.get('/boom', async () => {
    throw new Error('password=hunter2 in a stack');
  });
  const response = await app.inject({ method: 'GET', url: '/boom' });
  assert.equal(response.statusCode, 500);
  assert.equal(response.json().code, 'INTERNAL');
  assert.ok(!response.body.includes('hunter2'));
  await app.close();
});

test('/openapi.json is OpenAPI 3.1 and /docs serves Swagger UI', async () => {
  const app = await testApp();
  const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  assert.equal(spec.openapi, '3.1.0');
  assert.ok(spec.paths['/health/ready']);
  const docs = await app.inject({ method: 'GET', url: '/docs/' });
  assert.equal(docs.statusCode, 200);
  assert.match(docs.body, /swagger/i);
  await app.close();
});

test('/metrics exposes process metrics and HTTP durations by route template', async () => {
  const app = await testApp();
  await app.inject({ method: 'GET', url: '/health/live' });
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(metrics.statusCode, 200);
  assert.match(metrics.body, /process_cpu_user_seconds_total/);
  assert.match(
    metrics.body,
    /http_server_request_duration_seconds_count\{method="GET",route="\/health\/live",status_code="200"\} 1/,
  );
  await app.close();
});

test('an over-long path id gets a 400 problem naming the param, not a bare 414', async () => {
  const app = await testApp();
  app.get(
    '/things/:id',
    { schema: { params: Type.Object({ id: Type.String({ maxLength: 100 }) }) } },
    async () => ({}),
  );
  const response = await app.inject({ method: 'GET', url: `/things/${'x'.repeat(300)}` });
  assert.equal(response.statusCode, 400);
  assert.equal(response.json().errors[0].field, '/params/id');
  await app.close();
});
