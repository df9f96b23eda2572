// Issue 12, defect 7: the 409 message of a refused lifecycle transition reads as English.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invalidTransition } from '../../src/domain/rejection.ts';

test('an order, an invoice, a payment, a customer, a subscription', () => {
  const messages = ['order', 'invoice', 'payment', 'customer', 'subscription'].map(
    (entity) => invalidTransition(entity, 'CLOSED', 'approve').message,
  );
  assert.deepEqual(messages, [
    'cannot approve an order that is CLOSED',
    'cannot approve an invoice that is CLOSED',
    'cannot approve a payment that is CLOSED',
    'cannot approve a customer that is CLOSED',
    'cannot approve a subscription that is CLOSED',
  ]);
});
