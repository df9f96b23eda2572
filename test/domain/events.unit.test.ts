import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DOMAIN_EVENT_TYPES, aggregatesOf, isDomainEventType } from '../../src/domain/events.ts';

describe('events: the closed catalogue', () => {
  it('lists 25 distinct <entity>.<action> types', () => {
    assert.equal(DOMAIN_EVENT_TYPES.length, 25);
    assert.equal(new Set(DOMAIN_EVENT_TYPES).size, 25);
    for (const type of DOMAIN_EVENT_TYPES)
      assert.match(type, /^(customer|order|subscription|usage|invoice|payment)\.[a-z][a-zA-Z]+$/);
  });

  it('recognises its own types only', () => {
    assert.equal(isDomainEventType('payment.applied'), true);
    assert.equal(isDomainEventType('payment.unknown'), false);
    assert.equal(isDomainEventType(42), false);
  });

  it('names the aggregates an event changes; payment.applied changes two', () => {
    const money = { amount: 1, currency: 'EUR' as const };
    const at = '2025-01-01T00:00:00Z';
    assert.deepEqual(
      aggregatesOf({
        type: 'payment.applied',
        data: { paymentId: 'p', customerId: 'c', invoiceId: 'i', amount: money, at },
      }),
      [
        { type: 'payment', id: 'p' },
        { type: 'invoice', id: 'i' },
      ],
    );
    assert.deepEqual(aggregatesOf({ type: 'customer.resumed', data: { customerId: 'c', at } }), [
      { type: 'customer', id: 'c' },
    ]);
    assert.deepEqual(
      aggregatesOf({ type: 'subscription.resumed', data: { subscriptionId: 's', customerId: 'c', at } }),
      [{ type: 'subscription', id: 's' }],
    );
  });
});
