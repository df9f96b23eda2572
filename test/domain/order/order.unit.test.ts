import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seedPlans } from '../../../src/domain/catalog/index.ts';
import * as order from '../../../src/domain/order/index.ts';
import type { OrderContext, OrderEvent, OrderItem, PlaceOrder } from '../../../src/domain/order/index.ts';
import { activeCustomer, customerId, suspendedCustomer, terminatedCustomer } from '../fixtures.ts';
import { specFor } from '../given-when-then.ts';

const spec = specFor(order);
const orderId = 'ord-1';
const context: OrderContext = { customer: activeCustomer, catalog: seedPlans, accountCurrency: null };

const place: PlaceOrder = {
  type: 'PlaceOrder',
  orderId,
  customerId,
  items: [{ planId: 'basic' }, { planId: 'unlimited-talk' }],
  at: '2025-03-10T10:00:00Z',
};

const items: OrderItem[] = [
  { planId: 'basic', planName: 'Basic', planVersion: 1, monthlyPrice: { amount: 999, currency: 'EUR' } },
  {
    planId: 'unlimited-talk',
    planName: 'Unlimited Talk',
    planVersion: 1,
    monthlyPrice: { amount: 1999, currency: 'EUR' },
  },
];

const placed: OrderEvent = {
  type: 'order.placed',
  data: {
    orderId,
    customerId,
    items,
    currency: 'EUR',
    monthlyTotal: { amount: 2998, currency: 'EUR' },
    at: '2025-03-10T10:00:00Z',
  },
};
const approved: OrderEvent = { type: 'order.approved', data: { orderId, customerId, at: '2025-03-10T11:00:00Z' } };
const rejected: OrderEvent = {
  type: 'order.rejected',
  data: { orderId, customerId, reason: 'credit check failed', at: '2025-03-10T11:00:00Z' },
};
const completed: OrderEvent = {
  type: 'order.completed',
  data: { orderId, customerId, subscriptionIds: ['sub-1', 'sub-2'], at: '2025-03-15T12:00:00Z' },
};
const cancelled: OrderEvent = {
  type: 'order.cancelled',
  data: { orderId, customerId, reason: null, at: '2025-03-11T00:00:00Z' },
};

describe('order: place', () => {
  it('places an order priced from the plan versions in force', () => {
    spec.given([]).when(place, context).then([placed]);
  });

  it('prices with the version in force at the order time (Basic v2 after 2025-07-01)', () => {
    const [event] = spec
      .given([])
      .when({ ...place, items: [{ planId: 'basic' }], at: '2025-07-01T00:00:00Z' }, context)
      .events();
    assert.equal(event?.type, 'order.placed');
    if (event?.type === 'order.placed') {
      assert.deepEqual(event.data.items[0], {
        ...items[0],
        planVersion: 2,
        monthlyPrice: { amount: 1099, currency: 'EUR' },
      });
    }
  });

  it('accepts the same plan twice (two lines)', () => {
    const [event] = spec
      .given([])
      .when({ ...place, items: [{ planId: 'basic' }, { planId: 'basic' }] }, context)
      .events();
    assert.ok(event?.type === 'order.placed' && event.data.monthlyTotal.amount === 1998);
  });

  it('rejects an existing order id', () => {
    spec.given([placed]).when(place, context).thenRejects('ORDER_ALREADY_EXISTS', { kind: 'conflict' });
  });

  it('rejects an unknown customer', () => {
    spec
      .given([])
      .when(place, { ...context, customer: null })
      .thenRejects('CUSTOMER_NOT_FOUND', { kind: 'not_found', field: 'customerId' });
  });

  it('rejects a context loaded for another customer', () => {
    spec
      .given([])
      .when({ ...place, customerId: 'cus-2' }, context)
      .thenRejects('CUSTOMER_MISMATCH', { field: 'customerId' });
  });

  it('rejects a suspended customer', () => {
    spec
      .given([])
      .when(place, { ...context, customer: suspendedCustomer })
      .thenRejects('CUSTOMER_NOT_ACTIVE', { kind: 'conflict' });
  });

  it('rejects a terminated customer', () => {
    spec
      .given([])
      .when(place, { ...context, customer: terminatedCustomer })
      .thenRejects('CUSTOMER_NOT_ACTIVE');
  });

  it('rejects an order without items', () => {
    spec
      .given([])
      .when({ ...place, items: [] }, context)
      .thenRejects('REQUIRED', { field: 'items', kind: 'invalid' });
  });

  it('rejects an unknown plan, naming the item', () => {
    spec
      .given([])
      .when({ ...place, items: [{ planId: 'basic' }, { planId: 'gold' }] }, context)
      .thenRejects('UNKNOWN_PLAN', { field: 'items[1].planId', kind: 'invalid' });
  });

  it('rejects a plan with no version in force at the order time', () => {
    spec
      .given([])
      .when({ ...place, at: '2023-06-01T00:00:00Z' }, context)
      .thenRejects('PLAN_NOT_AVAILABLE', { field: 'items[0].planId' });
  });

  it('rejects mixing currencies in one order', () => {
    spec
      .given([])
      .when({ ...place, items: [{ planId: 'basic' }, { planId: 'start-pln' }] }, context)
      .thenRejects('CURRENCY_MISMATCH', { field: 'items[1].planId' });
  });

  it('rejects a plan in another currency than the account', () => {
    spec
      .given([])
      .when({ ...place, items: [{ planId: 'start-pln' }] }, { ...context, accountCurrency: 'EUR' })
      .thenRejects('CURRENCY_MISMATCH', { field: 'items[0].planId' });
  });

  it('rejects a bad timestamp', () => {
    spec
      .given([])
      .when({ ...place, at: '10/03/2025' }, context)
      .thenRejects('INVALID_TIMESTAMP', { field: 'at' });
  });
});

describe('order: approve and reject', () => {
  it('approves a pending order', () => {
    spec.given([placed]).when({ type: 'ApproveOrder', orderId, at: approved.data.at }, context).then([approved]);
  });

  it('rejects approving for a customer no longer active', () => {
    spec
      .given([placed])
      .when({ type: 'ApproveOrder', orderId, at: approved.data.at }, { ...context, customer: suspendedCustomer })
      .thenRejects('CUSTOMER_NOT_ACTIVE');
  });

  it('rejects approving twice', () => {
    spec
      .given([placed, approved])
      .when({ type: 'ApproveOrder', orderId, at: '2025-03-12T00:00:00Z' }, context)
      .thenRejects('INVALID_TRANSITION', { kind: 'conflict' });
  });

  it('rejects approving an unknown order', () => {
    spec
      .given([])
      .when({ type: 'ApproveOrder', orderId, at: approved.data.at }, context)
      .thenRejects('ORDER_NOT_FOUND', { kind: 'not_found' });
  });

  it('rejects a command dated before the last change', () => {
    spec
      .given([placed])
      .when({ type: 'ApproveOrder', orderId, at: '2025-03-09T00:00:00Z' }, context)
      .thenRejects('TIME_BEFORE_LAST_CHANGE', { field: 'at' });
  });

  it('rejects a pending order with a reason', () => {
    spec
      .given([placed])
      .when({ type: 'RejectOrder', orderId, reason: 'credit check failed', at: rejected.data.at }, context)
      .then([rejected]);
  });

  it('requires a reason to reject', () => {
    spec
      .given([placed])
      .when({ type: 'RejectOrder', orderId, reason: ' ', at: rejected.data.at }, context)
      .thenRejects('REQUIRED', { field: 'reason' });
  });

  it('cannot reject an approved order', () => {
    spec
      .given([placed, approved])
      .when({ type: 'RejectOrder', orderId, reason: 'late', at: '2025-03-12T00:00:00Z' }, context)
      .thenRejects('INVALID_TRANSITION');
  });
});

describe('order: complete', () => {
  const complete = {
    type: 'CompleteOrder',
    orderId,
    subscriptionIds: ['sub-1', 'sub-2'],
    at: '2025-03-15T12:00:00Z',
  } as const;

  it('completes an approved order and activates one subscription per item', () => {
    spec
      .given([placed, approved])
      .when({ ...complete, subscriptionIds: ['sub-1', 'sub-2'] }, context)
      .then([
        completed,
        {
          type: 'subscription.activated',
          data: { subscriptionId: 'sub-1', customerId, orderId, planId: 'basic', at: complete.at },
        },
        {
          type: 'subscription.activated',
          data: { subscriptionId: 'sub-2', customerId, orderId, planId: 'unlimited-talk', at: complete.at },
        },
      ]);
  });

  it('rejects completing a pending order', () => {
    spec
      .given([placed])
      .when({ ...complete, subscriptionIds: ['sub-1', 'sub-2'] }, context)
      .thenRejects('INVALID_TRANSITION', { kind: 'conflict' });
  });

  it('rejects completing a rejected order', () => {
    spec
      .given([placed, rejected])
      .when({ ...complete, subscriptionIds: ['sub-1', 'sub-2'] }, context)
      .thenRejects('INVALID_TRANSITION');
  });

  it('rejects completing for a terminated customer', () => {
    spec
      .given([placed, approved])
      .when({ ...complete, subscriptionIds: ['sub-1', 'sub-2'] }, { ...context, customer: terminatedCustomer })
      .thenRejects('CUSTOMER_NOT_ACTIVE');
  });

  it('rejects a wrong number of subscription ids', () => {
    spec
      .given([placed, approved])
      .when({ ...complete, subscriptionIds: ['sub-1'] }, context)
      .thenRejects('SUBSCRIPTION_IDS_MISMATCH', { field: 'subscriptionIds', kind: 'invalid' });
  });

  it('rejects duplicate subscription ids', () => {
    spec
      .given([placed, approved])
      .when({ ...complete, subscriptionIds: ['sub-1', 'sub-1'] }, context)
      .thenRejects('DUPLICATE_ID', { field: 'subscriptionIds' });
  });

  it('rejects an empty subscription id', () => {
    spec
      .given([placed, approved])
      .when({ ...complete, subscriptionIds: ['sub-1', ''] }, context)
      .thenRejects('REQUIRED', { field: 'subscriptionIds[1]' });
  });
});

describe('order: cancel', () => {
  it('cancels an approved order', () => {
    spec
      .given([placed, approved])
      .when({ type: 'CancelOrder', orderId, at: cancelled.data.at }, context)
      .then([cancelled]);
  });

  it('rejects cancelling a pending order (reject it instead)', () => {
    spec
      .given([placed])
      .when({ type: 'CancelOrder', orderId, at: cancelled.data.at }, context)
      .thenRejects('INVALID_TRANSITION');
  });

  it('rejects cancelling a completed order', () => {
    spec
      .given([placed, approved, completed])
      .when({ type: 'CancelOrder', orderId, at: '2025-03-16T00:00:00Z' }, context)
      .thenRejects('INVALID_TRANSITION');
  });

  it('rejects cancelling an unknown order', () => {
    spec
      .given([])
      .when({ type: 'CancelOrder', orderId, at: cancelled.data.at }, context)
      .thenRejects('ORDER_NOT_FOUND');
  });
});

describe('order: evolve', () => {
  it('folds placement to completion', () => {
    assert.deepEqual(spec.given([placed, approved, completed]).state, {
      orderId,
      customerId,
      items,
      currency: 'EUR',
      monthlyTotal: { amount: 2998, currency: 'EUR' },
      status: 'COMPLETED',
      subscriptionIds: ['sub-1', 'sub-2'],
      reason: null,
      placedAt: '2025-03-10T10:00:00Z',
      updatedAt: '2025-03-15T12:00:00Z',
    });
  });

  it('keeps the rejection reason', () => {
    const state = spec.given([placed, rejected]).state;
    assert.equal(state?.status, 'REJECTED');
    assert.equal(state?.reason, 'credit check failed');
  });

  it('records cancellation', () => {
    assert.equal(spec.given([placed, approved, cancelled]).state?.status, 'CANCELLED');
  });
});
