import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seedPlans, type Tariffs } from '../../../src/domain/catalog/index.ts';
import type { CurrencyCode } from '../../../src/domain/money.ts';
import * as subscription from '../../../src/domain/subscription/index.ts';
import type { Subscription, SubscriptionEvent } from '../../../src/domain/subscription/index.ts';
import * as usage from '../../../src/domain/usage/index.ts';
import type { IngestUsage, UsageContext, UsageEvent } from '../../../src/domain/usage/index.ts';
import { customerId } from '../fixtures.ts';
import { specFor } from '../given-when-then.ts';

const spec = specFor(usage);
const subscriptionId = 'sub-1';

function subscriptionAfter(...events: SubscriptionEvent[]): Subscription {
  return events.reduce(subscription.evolve, subscription.initialState)!;
}
const activated: SubscriptionEvent = {
  type: 'subscription.activated',
  data: { subscriptionId, customerId, orderId: 'ord-1', planId: 'basic', at: '2025-03-15T12:00:00Z' },
};
const suspended: SubscriptionEvent = {
  type: 'subscription.suspended',
  data: { subscriptionId, customerId, reason: null, at: '2025-08-01T00:00:00Z' },
};
const resumed: SubscriptionEvent = {
  type: 'subscription.resumed',
  data: { subscriptionId, customerId, at: '2025-08-10T00:00:00Z' },
};
const cancelled: SubscriptionEvent = {
  type: 'subscription.cancelled',
  data: { subscriptionId, customerId, reason: null, at: '2025-09-01T00:00:00Z' },
};

const context: UsageContext = { subscription: subscriptionAfter(activated), catalog: seedPlans };

const call: IngestUsage = {
  type: 'IngestUsage',
  recordId: 'cdr-1',
  subscriptionId,
  usageType: 'voice',
  quantity: 61,
  startedAt: '2025-04-01T10:00:00Z',
  at: '2025-04-01T10:05:00Z',
};

const rated: UsageEvent = {
  type: 'usage.rated',
  data: {
    recordId: 'cdr-1',
    subscriptionId,
    customerId,
    usageType: 'voice',
    quantity: 61,
    unit: 'second',
    startedAt: '2025-04-01T10:00:00Z',
    planId: 'basic',
    planVersion: 1,
    tariff: { amount: 9, currency: 'EUR' },
    tariffUnit: 'minute',
    amount: { amount: 9, currency: 'EUR' }, // 9 × 61 / 60 = 9.15 -> 9
    at: '2025-04-01T10:05:00Z',
  },
};

function amountOf(events: UsageEvent[]): number | undefined {
  const [event] = events;
  return event?.type === 'usage.rated' ? event.data.amount.amount : undefined;
}

describe('usage: rating', () => {
  it('rates a call per second from a per-minute tariff', () => {
    spec.given([]).when(call, context).then([rated]);
  });

  it('rounds half up, once per record', () => {
    const when = (usageType: IngestUsage['usageType'], quantity: number) =>
      amountOf(
        spec
          .given([])
          .when({ ...call, usageType, quantity }, context)
          .events(),
      );
    assert.equal(when('voice', 30), 5); // 9 × 30 / 60 = 4.5 -> 5
    assert.equal(when('voice', 29), 4); // 4.35 -> 4
    assert.equal(when('voice', 1), 0); // 0.15 -> 0
    assert.equal(when('sms', 3), 27); // 3 × 9, exact
    assert.equal(when('data', 1536), 3); // 1.5 MB × 2 = 3, exact
    assert.equal(when('data', 256), 1); // 0.25 MB × 2 = 0.5 -> 1
    assert.equal(when('data', 255), 0); // 0.498 -> 0
    assert.equal(when('data', 10 * 1024 * 1024), 20480); // 10 GB × 0.02 = EUR 204.80
  });

  it('names the units of quantity and tariff on the event', () => {
    const [event] = spec
      .given([])
      .when({ ...call, usageType: 'data', quantity: 2048 }, context)
      .events();
    assert.ok(event?.type === 'usage.rated');
    assert.equal(event.data.unit, 'kilobyte');
    assert.equal(event.data.tariffUnit, 'megabyte');
    assert.deepEqual(event.data.tariff, { amount: 2, currency: 'EUR' });
  });

  it('uses the tariff in force at startedAt, not at ingestion', () => {
    const late = { ...call, startedAt: '2025-06-30T23:59:59Z', at: '2025-07-01T00:10:00Z', quantity: 60 };
    const [before] = spec.given([]).when(late, context).events();
    assert.ok(before?.type === 'usage.rated');
    assert.equal(before.data.planVersion, 1);
    assert.equal(before.data.amount.amount, 9);

    const [after] = spec
      .given([])
      .when({ ...late, startedAt: '2025-07-01T00:00:00Z' }, context)
      .events();
    assert.ok(after?.type === 'usage.rated');
    assert.equal(after.data.planVersion, 2);
    assert.equal(after.data.amount.amount, 10);
  });

  it('rates zero-decimal and three-decimal currencies exactly', () => {
    const tariffs = (currency: CurrencyCode, voice: number, data: number): Tariffs => ({
      voicePerMinute: { amount: voice, currency },
      smsPerMessage: { amount: 0, currency },
      dataPerMb: { amount: data, currency },
    });
    // JPY has no minor unit: 30 yen/min × 45 s = 22.5 yen -> 23 yen.
    assert.deepEqual(usage.rate('voice', 45, tariffs('JPY', 30, 1)).amount, { amount: 23, currency: 'JPY' });
    // KWD has 3 decimals: 0.125 KWD/min × 7 s = 14.583 fils -> 15 fils.
    assert.deepEqual(usage.rate('voice', 7, tariffs('KWD', 125, 1)).amount, { amount: 15, currency: 'KWD' });
    // KRW, data: 5 won/MB × 100 KB = 0.488 won -> 0 won.
    assert.deepEqual(usage.rate('data', 100, tariffs('KRW', 1, 5)).amount, { amount: 0, currency: 'KRW' });
  });
});

describe('usage: idempotency', () => {
  it('ignores a repeated recordId that was rated', () => {
    spec.given([rated]).when(call, context).thenNothing();
  });

  it('ignores a repeated recordId that was rejected, even with other values', () => {
    const [rejected] = spec
      .given([])
      .when({ ...call, startedAt: '2025-03-01T00:00:00Z' }, context)
      .events();
    spec
      .given([rejected!])
      .when({ ...call, quantity: 999 }, context)
      .thenNothing();
  });
});

describe('usage: usage on a non-active subscription is recorded as rejected', () => {
  const rejectedWith = (message: string, startedAt: string): UsageEvent => ({
    type: 'usage.rejected',
    data: {
      recordId: 'cdr-1',
      subscriptionId,
      customerId,
      usageType: 'voice',
      quantity: 61,
      unit: 'second',
      startedAt,
      reason: { code: 'SUBSCRIPTION_NOT_ACTIVE', message },
      at: '2025-09-05T00:00:00Z',
    },
  });
  const history: UsageContext = {
    subscription: subscriptionAfter(activated, suspended, resumed, cancelled),
    catalog: seedPlans,
  };
  const at = '2025-09-05T00:00:00Z';

  it('rejects usage before activation', () => {
    spec
      .given([])
      .when({ ...call, startedAt: '2025-03-15T11:59:59Z', at }, history)
      .then([rejectedWith('usage started before the subscription was activated', '2025-03-15T11:59:59Z')]);
  });

  it('rejects usage during a suspension', () => {
    spec
      .given([])
      .when({ ...call, startedAt: '2025-08-05T00:00:00Z', at }, history)
      .then([rejectedWith('usage started while the subscription was suspended', '2025-08-05T00:00:00Z')]);
  });

  it('rejects usage after cancellation', () => {
    spec
      .given([])
      .when({ ...call, startedAt: '2025-09-01T00:00:00Z', at }, history)
      .then([rejectedWith('usage started after the subscription was cancelled', '2025-09-01T00:00:00Z')]);
  });

  it('still rates a late record whose call was made while active', () => {
    const [event] = spec
      .given([])
      .when({ ...call, startedAt: '2025-08-31T23:00:00Z', at }, history)
      .events();
    assert.equal(event?.type, 'usage.rated');
  });
});

describe('usage: invalid records are refused', () => {
  const cases: [string, Partial<IngestUsage>, string, string][] = [
    ['an empty recordId', { recordId: '' }, 'REQUIRED', 'recordId'],
    ['an empty subscriptionId', { subscriptionId: ' ' }, 'REQUIRED', 'subscriptionId'],
    ['an unknown usage type', { usageType: 'mms' as IngestUsage['usageType'] }, 'INVALID_USAGE_TYPE', 'usageType'],
    ['a zero quantity', { quantity: 0 }, 'INVALID_QUANTITY', 'quantity'],
    ['a negative quantity', { quantity: -5 }, 'INVALID_QUANTITY', 'quantity'],
    ['a fractional quantity', { quantity: 1.5 }, 'INVALID_QUANTITY', 'quantity'],
    ['a quantity as text', { quantity: '5' as unknown as number }, 'INVALID_QUANTITY', 'quantity'],
    ['a bad startedAt', { startedAt: '2025-04-31T00:00:00Z' }, 'INVALID_TIMESTAMP', 'startedAt'],
    ['a bad at', { at: 'now' }, 'INVALID_TIMESTAMP', 'at'],
    ['usage that starts after it was ingested', { startedAt: '2025-04-01T10:06:00Z' }, 'USAGE_IN_FUTURE', 'startedAt'],
  ];
  for (const [name, change, code, field] of cases) {
    it(`refuses ${name}`, () => {
      spec
        .given([])
        .when({ ...call, ...change }, context)
        .thenRejects(code, { field, kind: 'invalid' });
    });
  }

  it('refuses an unknown subscription (no customer to record against)', () => {
    spec
      .given([])
      .when(call, { ...context, subscription: null })
      .thenRejects('SUBSCRIPTION_NOT_FOUND', { kind: 'not_found', field: 'subscriptionId' });
  });

  it('refuses a context loaded for another subscription', () => {
    spec
      .given([])
      .when({ ...call, subscriptionId: 'sub-2' }, context)
      .thenRejects('SUBSCRIPTION_MISMATCH', { field: 'subscriptionId' });
  });

  it('refuses a subscription whose plan is not in the catalog', () => {
    spec
      .given([])
      .when(call, { ...context, catalog: seedPlans.filter((p) => p.planId !== 'basic') })
      .thenRejects('UNKNOWN_PLAN', { field: 'startedAt' });
  });

  it('refuses usage when no tariff was in force at startedAt', () => {
    const early = subscriptionAfter({ ...activated, data: { ...activated.data, at: '2023-12-01T00:00:00Z' } });
    spec
      .given([])
      .when({ ...call, startedAt: '2023-12-24T18:00:00Z' }, { ...context, subscription: early })
      .thenRejects('PLAN_NOT_AVAILABLE', { field: 'startedAt' });
  });
});

describe('usage: evolve', () => {
  it('remembers the record with its outcome', () => {
    assert.deepEqual(spec.given([rated]).state, { status: 'RATED', ...rated.data });
  });
});
