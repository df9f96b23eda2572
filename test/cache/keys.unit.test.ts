// The key scheme: entity and list entries, families, ids back from keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cachedById,
  entityEntry,
  familyOfKey,
  idOfEntityKey,
  listEntry,
  rowInvalidation,
} from '../../src/cache/keys.ts';
import { notifyInvalidations } from '../../src/cache/notify-listener.ts';

test('entity and list entries carry the tags the invalidation sources bump', () => {
  assert.deepEqual(entityEntry('balance', 'c1'), { key: 'balance:c1', tags: ['balance:all'] });
  assert.deepEqual(listEntry('order', 'status=OPEN'), {
    key: 'order:list:status=OPEN',
    tags: ['order:lists', 'order:all'],
  });
  assert.deepEqual(listEntry('invoice', 'limit=50', 'c1'), {
    key: 'invoice:list:c=c1:limit=50',
    tags: ['customer:c1:lists', 'invoice:all'],
  });
  assert.deepEqual(rowInvalidation('invoice', 'i1', 'c1'), {
    keys: ['invoice:i1'],
    tags: ['invoice:lists', 'customer:c1:lists'],
  });
});

test('family and id of a key', () => {
  assert.equal(familyOfKey('customer:abc'), 'customer');
  assert.equal(familyOfKey('order:list:c=1:x'), 'order');
  assert.equal(idOfEntityKey('customer:abc'), 'abc');
  assert.equal(idOfEntityKey('order:list:c=1:x'), undefined);
  assert.equal(idOfEntityKey('customer'), undefined);
});

test('usage records are not cached by id: a rated record invalidates its lists, not a key of its own', () => {
  assert.equal(cachedById('usage'), false);
  assert.equal(cachedById('customer'), true);
  assert.deepEqual(rowInvalidation('usage', 'r1', 'c1'), { keys: [], tags: ['usage:lists', 'customer:c1:lists'] });
  assert.deepEqual(notifyInvalidations({ s: 'public', t: 'usage_records', at: 0, ids: ['r1'], c: ['c1'] })?.keys, []);
});
