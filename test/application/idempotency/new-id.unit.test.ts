import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withClaim } from '../../../src/application/idempotency/fence.ts';
import { newId } from '../../../src/application/idempotency/new-id.ts';

const inClaim = (key: string, make: () => string[]): Promise<string[]> =>
  new Promise((resolve) => withClaim({ caller: 'op', key, owner: `owner-${Math.random()}` }, () => resolve(make())));

test('without an Idempotency-Key every id is new', () => {
  assert.notEqual(newId('cus'), newId('cus'));
  assert.match(newId('cus'), /^cus_[0-9a-f-]{36}$/);
});

test('a keyed request makes the same ids in the same order in every run, whoever owns the claim', async () => {
  const first = await inClaim('k1', () => [newId('cus'), newId('ord'), newId('cus')]);
  const retry = await inClaim('k1', () => [newId('cus'), newId('ord'), newId('cus')]);
  assert.deepEqual(retry, first);
  assert.equal(new Set(first).size, 3, 'each id of one request is its own');
  assert.match(first[0] as string, /^cus_[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
});

test('another key or another caller makes other ids', async () => {
  const [a] = await inClaim('k1', () => [newId('cus')]);
  const [b] = await inClaim('k2', () => [newId('cus')]);
  const [c] = await new Promise<string[]>((resolve) =>
    withClaim({ caller: 'someone-else', key: 'k1', owner: 'o' }, () => resolve([newId('cus')])),
  );
  assert.notEqual(a, b);
  assert.notEqual(a, c);
});
