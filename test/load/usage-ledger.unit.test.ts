// The ledger of usage record ids: what was sent, and what an answer says is stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageLedger } from '../../src/load/usage-ledger.ts';

test('a POST /usage answer acknowledges the records it says are stored, not the invalid ones', () => {
  const ledger = new UsageLedger();
  ledger.sending(['a', 'b', 'c', 'd', 'e']);
  ledger.acknowledgeResults([
    { recordId: 'a', status: 'RATED' },
    { recordId: 'b', status: 'REJECTED' },
    { recordId: 'c', status: 'DUPLICATE' },
    { recordId: 'd', status: 'INVALID' },
    null,
  ]);
  assert.deepEqual([...ledger.sent], ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual([...ledger.acknowledged], ['a', 'b', 'c']);
});

test('an answer without results acknowledges nothing; a broker acknowledgement covers the whole batch', () => {
  const ledger = new UsageLedger();
  ledger.acknowledgeResults(undefined);
  ledger.acknowledgeResults({ results: 'not a list' });
  assert.equal(ledger.acknowledged.size, 0);
  ledger.acknowledgeAll(['x', 'y']);
  assert.deepEqual([...ledger.acknowledged], ['x', 'y']);
});
