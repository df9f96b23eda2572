import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConnectionError, storeError } from '../../src/store/connection-errors.ts';
import { BssError } from '../../src/errors.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

test('connection failures are recognised: sockets, SQLSTATE 08xxx / 57P0x / 53300, pg and pool messages', () => {
  for (const error of [
    withCode('ECONNREFUSED'),
    withCode('ECONNRESET'),
    withCode('57P01', 'terminating connection due to administrator command'),
    withCode('57P03', 'the database system is starting up'),
    withCode('08006'),
    withCode('53300'),
    new Error('Connection terminated unexpectedly'),
    new Error('timeout exceeded when trying to connect'),
    new Error('Client has encountered a connection error and is not queryable'),
  ])
    assert.equal(isConnectionError(error), true, error.message);
});

test('statement faults are not connection failures and pass through unchanged', () => {
  const unique = withCode('23505', 'duplicate key value');
  assert.equal(isConnectionError(unique), false);
  assert.equal(storeError(unique), unique);
  assert.equal(isConnectionError('ECONNREFUSED'), false);
});

test('a connection failure becomes a retryable 503 DEPENDENCY_UNAVAILABLE naming the database', () => {
  const cause = withCode('ECONNREFUSED');
  const mapped = storeError(cause);
  assert.ok(mapped instanceof BssError);
  assert.equal(mapped.code, 'DEPENDENCY_UNAVAILABLE');
  assert.equal(mapped.status, 503);
  assert.equal(mapped.retryable, true);
  assert.equal(mapped.cause, cause);
  assert.equal(storeError(mapped), mapped);
});

test('a deadlock victim or a serialization failure becomes a retryable 503 TRANSACTION_CONFLICT', () => {
  for (const cause of [withCode('40P01', 'deadlock detected'), withCode('40001', 'could not serialize access')]) {
    const mapped = storeError(cause);
    assert.ok(mapped instanceof BssError);
    assert.equal(mapped.code, 'TRANSACTION_CONFLICT');
    assert.equal(mapped.status, 503);
    assert.equal(mapped.retryable, true);
    assert.equal(mapped.cause, cause);
  }
});
