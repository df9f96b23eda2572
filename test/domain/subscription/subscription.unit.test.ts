import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as subscription from '../../../src/domain/subscription/index.ts';
import type { SubscriptionEvent } from '../../../src/domain/subscription/index.ts';
import { toMillis } from '../../../src/domain/time.ts';
import { customerId } from '../fixtures.ts';
import { specFor } from '../given-when-then.ts';

const spec = specFor(subscription);
const subscriptionId = 'sub-1';

const activated: SubscriptionEvent = {
  type: 'subscription.activated',
  data: { subscriptionId, customerId, orderId: 'ord-1', planId: 'basic', at: '2025-03-15T12:00:00Z' },
};
const suspended: SubscriptionEvent = {
  type: 'subscription.suspended',
  data: { subscriptionId, customerId, reason: 'lost SIM', at: '2025-03-20T00:00:00Z' },
};
const resumed: SubscriptionEvent = {
  type: 'subscription.resumed',
  data: { subscriptionId, customerId, at: '2025-03-25T00:00:00Z' },
};
const cancelled: SubscriptionEvent = {
  type: 'subscription.cancelled',
  data: { subscriptionId, customerId, reason: null, at: '2025-04-10T00:00:00Z' },
};

describe('subscription: suspend', () => {
  it('suspends an active subscription', () => {
    spec
      .given([activated])
      .when({ type: 'SuspendSubscription', subscriptionId, reason: 'lost SIM', at: suspended.data.at })
      .then([suspended]);
  });

  it('rejects suspending a suspended subscription', () => {
    spec
      .given([activated, suspended])
      .when({ type: 'SuspendSubscription', subscriptionId, at: '2025-03-21T00:00:00Z' })
      .thenRejects('INVALID_TRANSITION', { kind: 'conflict' });
  });

  it('rejects suspending a cancelled subscription', () => {
    spec
      .given([activated, cancelled])
      .when({ type: 'SuspendSubscription', subscriptionId, at: '2025-04-11T00:00:00Z' })
      .thenRejects('INVALID_TRANSITION');
  });

  it('rejects an unknown subscription', () => {
    spec
      .given([])
      .when({ type: 'SuspendSubscription', subscriptionId, at: suspended.data.at })
      .thenRejects('SUBSCRIPTION_NOT_FOUND', { kind: 'not_found', field: 'subscriptionId' });
  });

  it('rejects a change dated before the last one', () => {
    spec
      .given([activated])
      .when({ type: 'SuspendSubscription', subscriptionId, at: '2025-03-15T11:59:59Z' })
      .thenRejects('TIME_BEFORE_LAST_CHANGE', { field: 'at', kind: 'invalid' });
  });
});

describe('subscription: resume', () => {
  it('resumes a suspended subscription', () => {
    spec
      .given([activated, suspended])
      .when({ type: 'ResumeSubscription', subscriptionId, at: resumed.data.at })
      .then([resumed]);
  });

  it('rejects resuming an active subscription', () => {
    spec
      .given([activated])
      .when({ type: 'ResumeSubscription', subscriptionId, at: resumed.data.at })
      .thenRejects('INVALID_TRANSITION');
  });

  it('rejects resuming a cancelled subscription', () => {
    spec
      .given([activated, suspended, cancelled])
      .when({ type: 'ResumeSubscription', subscriptionId, at: '2025-04-11T00:00:00Z' })
      .thenRejects('INVALID_TRANSITION');
  });

  it('rejects resuming an unknown subscription', () => {
    spec
      .given([])
      .when({ type: 'ResumeSubscription', subscriptionId, at: resumed.data.at })
      .thenRejects('SUBSCRIPTION_NOT_FOUND');
  });
});

describe('subscription: cancel', () => {
  it('cancels an active subscription', () => {
    spec
      .given([activated])
      .when({ type: 'CancelSubscription', subscriptionId, at: cancelled.data.at })
      .then([cancelled]);
  });

  it('cancels a suspended subscription', () => {
    spec
      .given([activated, suspended])
      .when({ type: 'CancelSubscription', subscriptionId, reason: 'moving', at: cancelled.data.at })
      .then([{ ...cancelled, data: { ...cancelled.data, reason: 'moving' } }]);
  });

  it('rejects cancelling twice (CANCELLED is final)', () => {
    spec
      .given([activated, cancelled])
      .when({ type: 'CancelSubscription', subscriptionId, at: '2025-04-11T00:00:00Z' })
      .thenRejects('INVALID_TRANSITION');
  });

  it('rejects cancelling an unknown subscription', () => {
    spec
      .given([])
      .when({ type: 'CancelSubscription', subscriptionId, at: cancelled.data.at })
      .thenRejects('SUBSCRIPTION_NOT_FOUND');
  });
});

describe('subscription: evolve keeps the activity history', () => {
  it('records active periods across suspension and cancellation', () => {
    const state = spec.given([activated, suspended, resumed, cancelled]).state;
    assert.deepEqual(state, {
      subscriptionId,
      customerId,
      orderId: 'ord-1',
      planId: 'basic',
      status: 'CANCELLED',
      activatedAt: '2025-03-15T12:00:00Z',
      cancelledAt: '2025-04-10T00:00:00Z',
      activePeriods: [
        { from: '2025-03-15T12:00:00Z', to: '2025-03-20T00:00:00Z' },
        { from: '2025-03-25T00:00:00Z', to: '2025-04-10T00:00:00Z' },
      ],
      updatedAt: '2025-04-10T00:00:00Z',
    });
  });

  it('answers "was it active at T?" from the history', () => {
    const state = spec.given([activated, suspended, resumed, cancelled]).state!;
    const at = (iso: string) => subscription.wasActiveAt(state, toMillis(iso));
    assert.equal(at('2025-03-15T11:59:59Z'), false); // before activation
    assert.equal(at('2025-03-15T12:00:00Z'), true); // from is inclusive
    assert.equal(at('2025-03-19T23:59:59Z'), true);
    assert.equal(at('2025-03-20T00:00:00Z'), false); // to is exclusive
    assert.equal(at('2025-03-26T00:00:00Z'), true);
    assert.equal(at('2025-04-10T00:00:00Z'), false); // cancelled
  });

  it('ignores events for an unknown subscription', () => {
    assert.equal(subscription.evolve(null, suspended), null);
  });
});
