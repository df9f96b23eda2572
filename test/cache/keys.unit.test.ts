// The key scheme: entity and list entries, families, ids back from keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityEntry, familyOfKey, idOfEntityKey, listEntry, rowInvalidation } from '../../src/cache/keys.ts';

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
