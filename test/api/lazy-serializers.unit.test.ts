// Response serializers compiled on first use: nothing is compiled while routes are registered, and a
// compiled serializer answers exactly as fast-json-stringify's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import { lazySerializers } from '../../src/api/lazy-serializers.ts';

const route = { method: 'GET', url: '/x', httpStatus: '200' };
const schema = { type: 'object', properties: { id: { type: 'string' }, amount: { type: 'integer' } } };

test('a serializer is compiled at its first call, not when its route is registered', () => {
  const compile = lazySerializers()({}, {});
  const broken = compile({ ...route, schema: { $ref: 'nowhere#/missing' } });
  assert.throws(() => broken({}), /nowhere/);
});

test('a lazy serializer answers as the eager one, once compiled and after', () => {
  const lazy = lazySerializers()({}, {})({ ...route, schema });
  const eager = SerializerSelector()({}, {})({ ...route, schema });
  const doc = { id: 'c-1', amount: 1250, secret: 'dropped' };
  assert.equal(lazy(doc), eager(doc));
  assert.equal(lazy({ id: 'c-2', amount: 7 }), '{"id":"c-2","amount":7}');
});
