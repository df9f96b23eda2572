// The OpenAPI document tells the truth: every error an operation can answer is documented as
// application/problem+json with the Problem schema, bodies an action does not need are optional,
// enums list their values, shared schemas are named components, and every example fits its schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import { composedAppPerFile } from '../support/composed-app.ts';
import { ERROR_CODES } from '../../src/error-codes.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
let doc: Json;
let size: number;

const bss = composedAppPerFile(
  {},
  {
    setUp: async () => {
      const response = await bss.app.inject({ method: 'GET', url: '/openapi.json' });
      assert.equal(response.statusCode, 200, response.body);
      size = response.body.length;
      doc = response.json();
    },
  },
);

function* operations(): Generator<[string, Json]> {
  for (const [path, item] of Object.entries(doc['paths'] as Json)) {
    for (const [method, operation] of Object.entries(item as Json))
      yield [`${method.toUpperCase()} ${path}`, operation];
  }
}

const deref = (node: Json): Json => {
  const ref = node['$ref'];
  if (typeof ref !== 'string') return node;
  return ref
    .split('/')
    .slice(1)
    .reduce((at: Json, key) => at[key], doc) as Json;
};

test('the document is OpenAPI 3.1 with named components, far smaller than inline schemas', () => {
  assert.equal(doc['openapi'], '3.1.0');
  for (const name of ['Problem', 'Customer', 'Order', 'Payment', 'Invoice', 'Subscription', 'Money', 'Address']) {
    assert.ok(doc['components'].schemas[name], `components.schemas.${name}`);
  }
  assert.ok(size < 200_000, `the document is ${size} bytes (408 KB when every schema was inline)`);
});

test('every error of every secured operation is application/problem+json with the Problem schema', () => {
  let count = 0;
  for (const [name, operation] of operations()) {
    if ((operation['security'] ?? []).length === 0) continue;
    count++;
    const statuses = Object.keys(operation['responses']);
    for (const status of ['400', '401', '403', '429', '431', '503'])
      assert.ok(statuses.includes(status), `${name} documents ${status}`);
    if (name.includes('{')) assert.ok(statuses.includes('404'), `${name} documents 404`);
    assert.ok(
      statuses.some((s) => s.startsWith('2')),
      `${name} documents its success`,
    );
    for (const status of statuses.filter((s) => Number(s) >= 400)) {
      const response = deref(operation['responses'][status]);
      assert.deepEqual(Object.keys(response['content']), ['application/problem+json'], `${name} ${status}`);
      assert.equal(response['content']['application/problem+json'].schema.$ref, '#/components/schemas/Problem');
    }
  }
  assert.ok(count >= 60, `${count} secured operations`);
});

test('GET /event-replay/replay documents every status it can answer', () => {
  const statuses = Object.keys(doc['paths']['/api/v1/event-replay/replay'].get.responses).sort();
  assert.deepEqual(statuses, ['200', '400', '401', '403', '429', '431', '503']);
});

test('actions that need no body document an optional one', () => {
  for (const path of [
    '/api/v1/customers/{id}/suspend',
    '/api/v1/customers/{id}/resume',
    '/api/v1/orders/{id}/approve',
    '/api/v1/orders/{id}/complete',
    '/api/v1/subscriptions/{id}/cancel',
    '/api/v1/invoices/{id}/overdue',
    '/api/v1/payments/{id}/capture',
    '/api/v1/payments/{id}/apply-credit',
    '/api/v1/event-replay/replay/{id}/cancel',
    '/api/v1/cache/warm',
  ]) {
    const body = doc['paths'][path].post.requestBody;
    assert.equal(body.required, false, path);
  }
  assert.equal(doc['paths']['/api/v1/orders/{id}/reject'].post.requestBody.required, true);
});

test('every request body and every success response has an example that fits its schema', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const check = (name: string, media: Json) => {
    assert.ok('example' in media || 'examples' in media, `${name} has an example`);
    const example = 'example' in media ? media['example'] : Object.values(media['examples'] as Json)[0].value;
    // The components ride along so that the schema's #/components/… references resolve.
    const validate = ajv.compile({ ...media['schema'], components: doc['components'] });
    assert.ok(validate(example), `${name}: ${JSON.stringify(validate.errors)} in ${JSON.stringify(example)}`);
  };
  for (const [name, operation] of operations()) {
    for (const [type, media] of Object.entries(operation['requestBody']?.content ?? {})) {
      check(`${name} request ${type}`, media as Json);
    }
    for (const [status, response] of Object.entries(operation['responses'] as Json)) {
      if (!status.startsWith('2')) continue;
      for (const [type, media] of Object.entries((response as Json)['content'] ?? {})) {
        if (type !== 'text/event-stream') check(`${name} ${status} ${type}`, media as Json);
      }
    }
  }
});

test('the schema states the domain rules: E.164 phone, optional line2, enums with their values', async () => {
  const customer = deref(doc['paths']['/api/v1/customers'].post.requestBody.content['application/json'].schema);
  assert.match(JSON.stringify(customer.properties.phone), /\^\\\\\+\[1-9\]/);
  assert.ok(!deref(customer.properties.address).required.includes('line2'));
  const status = doc['paths']['/api/v1/customers'].get.parameters.find((p: Json) => p['name'] === 'status');
  assert.deepEqual(deref(status.schema).enum, ['ACTIVE', 'SUSPENDED', 'TERMINATED']);

  const response = await bss.app.inject({
    method: 'GET',
    url: '/api/v1/customers?status=GONE',
    headers: bss.as('viewer'),
  });
  assert.equal(response.statusCode, 400);
  assert.deepEqual(response.json().errors, [
    {
      field: '/querystring/status',
      message: 'must be equal to one of the allowed values: ACTIVE, SUSPENDED, TERMINATED',
    },
  ]);
});

test('the Problem schema lists every error code the service can send, each with its meaning', () => {
  const code = deref((doc['components'].schemas.Problem as Json)['properties'].code as Json);
  assert.deepEqual(code['enum'], Object.keys(ERROR_CODES));
  for (const [name, meaning] of Object.entries(ERROR_CODES))
    assert.ok((code['description'] as string).includes(`\`${name}\`: ${meaning}`), name);
});

test('every documented response schema compiles to a serializer (the service compiles them at first answer)', () => {
  const compile = SerializerSelector()({}, {});
  let compiled = 0;
  for (const [name, operation] of operations()) {
    for (const [status, response] of Object.entries((operation['responses'] ?? {}) as Json)) {
      for (const media of Object.values(((response as Json)['content'] ?? {}) as Json)) {
        const schema = (media as Json)['schema'] as Json | undefined;
        if (!schema) continue;
        const route = {
          schema: { ...schema, components: doc['components'] },
          method: 'GET',
          url: name,
          httpStatus: status,
        };
        assert.doesNotThrow(() => compile(route), `${name} ${status}`);
        compiled += 1;
      }
    }
  }
  assert.ok(compiled >= 50, `only ${compiled} response schemas`); // 80 today
});
