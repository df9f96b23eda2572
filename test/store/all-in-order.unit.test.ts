import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allInOrder } from '../../src/store/all-in-order.ts';

const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(resolve, ms, value));
const failLater = (ms: number, message: string) =>
  new Promise<never>((_, reject) => setTimeout(reject, ms, new Error(message)));

test('the values, in the order given', async () => {
  assert.deepEqual(await allInOrder([later(5, 'a'), 'b', later(1, 3)]), ['a', 'b', 3]);
});

test('the first failure in the order given, even when a later one failed first', async () => {
  await assert.rejects(
    allInOrder([later(1, 'begin'), failLater(10, 'duplicate key'), failLater(1, 'transaction is aborted')]),
    /duplicate key/,
  );
});
