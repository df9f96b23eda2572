import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seedPlans, type Plan } from '../../../src/domain/catalog/index.ts';
import * as invoice from '../../../src/domain/invoice/index.ts';
import type { BillCustomerInput, InvoiceEvent, InvoiceLine } from '../../../src/domain/invoice/index.ts';
import * as subscription from '../../../src/domain/subscription/index.ts';
import type { Subscription, SubscriptionEvent } from '../../../src/domain/subscription/index.ts';
import type { UsageRatedData } from '../../../src/domain/usage/index.ts';
import type { PaymentApplied } from '../../../src/domain/payment/events.ts';
import { customerId } from '../fixtures.ts';
import { expectRejection, specFor } from '../given-when-then.ts';

const spec = specFor(invoice);
const invoiceId = 'inv-2025-03';

function subscriptionOf(planId: string, activatedAt: string, ...changes: [SubscriptionEvent['type'], string][]) {
  const subscriptionId = `sub-${planId}`;
  const events: SubscriptionEvent[] = [
    { type: 'subscription.activated', data: { subscriptionId, customerId, orderId: 'ord-1', planId, at: activatedAt } },
    ...changes.map(
      ([type, at]) => ({ type, data: { subscriptionId, customerId, reason: null, at } }) as SubscriptionEvent,
    ),
  ];
  return events.reduce(subscription.evolve, subscription.initialState)!;
}

const march = { from: '2025-03-01', to: '2025-04-01' };

function bill(subscriptions: Subscription[], change: Partial<BillCustomerInput> = {}) {
  return invoice.billCustomer({
    customerId,
    period: march,
    subscriptions,
    ratedUsage: [],
    catalog: seedPlans,
    invoiceId,
    issuedAt: '2025-04-01T02:00:00Z',
    // 14 days to pay, unless a test moves the issue date (then due on issue).
    dueAt: change.issuedAt ?? '2025-04-15T23:59:59Z',
    currency: 'EUR',
    ...change,
  });
}

function linesOf(events: ReturnType<typeof bill>): InvoiceLine[] {
  const [issued] = events;
  assert.equal(issued?.type, 'invoice.issued');
  return issued?.type === 'invoice.issued' ? issued.data.lines : [];
}

function amounts(events: ReturnType<typeof bill>): number[] {
  return linesOf(events).map((line) => line.amount.amount);
}

describe('invoice: bill run, recurring charges pro-rated by active days', () => {
  it('charges exactly the monthly price for a whole month', () => {
    const events = bill([subscriptionOf('basic', '2025-01-10T00:00:00Z')]);
    assert.deepEqual(events, [
      {
        type: 'invoice.issued',
        data: {
          invoiceId,
          customerId,
          period: march,
          currency: 'EUR',
          lines: [
            {
              kind: 'recurring',
              subscriptionId: 'sub-basic',
              planId: 'basic',
              planVersion: 1,
              description: 'Basic monthly fee, 31/31 days',
              monthlyPrice: { amount: 999, currency: 'EUR' },
              activeDays: 31,
              periodDays: 31,
              amount: { amount: 999, currency: 'EUR' },
            },
          ],
          total: { amount: 999, currency: 'EUR' },
          dueAt: '2025-04-15T23:59:59Z',
          at: '2025-04-01T02:00:00Z',
        },
      },
    ]);
  });

  it('pro-rates a subscription activated mid-period, counting the activation day', () => {
    // 15..31 March = 17 days: 999 × 17 / 31 = 547.84 -> 548
    const [line] = linesOf(bill([subscriptionOf('basic', '2025-03-15T12:00:00Z')]));
    assert.equal(line?.kind === 'recurring' && line.activeDays, 17);
    assert.deepEqual(line?.amount, { amount: 548, currency: 'EUR' });
  });

  it('uses the real month length: February 2025 (28) vs leap February 2024 (29)', () => {
    // 14 of 28 days: 999 × 14 / 28 = 499.5 -> 500 (an exact half rounds up)
    const feb2025 = bill([subscriptionOf('basic', '2025-02-15T00:00:00Z')], {
      period: { from: '2025-02-01', to: '2025-03-01' },
      issuedAt: '2025-03-01T00:00:00Z',
    });
    assert.deepEqual(amounts(feb2025), [500]);
    // 15 of 29 days: 999 × 15 / 29 = 516.72 -> 517
    const feb2024 = bill([subscriptionOf('basic', '2024-02-15T00:00:00Z')], {
      period: { from: '2024-02-01', to: '2024-03-01' },
      issuedAt: '2024-03-01T00:00:00Z',
    });
    assert.deepEqual(amounts(feb2024), [517]);
    // April has 30 days: 16..30 = 15 days -> 999 × 15 / 30 = 499.5 -> 500
    const april = bill([subscriptionOf('basic', '2025-04-16T00:00:00Z')], {
      period: { from: '2025-04-01', to: '2025-05-01' },
      issuedAt: '2025-05-01T00:00:00Z',
    });
    assert.deepEqual(amounts(april), [500]);
  });

  it('does not charge whole days of suspension', () => {
    // suspended 10th 00:00, resumed 20th 00:00: days 10..19 are free, 21 days active
    const sub = subscriptionOf(
      'basic',
      '2025-01-01T00:00:00Z',
      ['subscription.suspended', '2025-03-10T00:00:00Z'],
      ['subscription.resumed', '2025-03-20T00:00:00Z'],
    );
    assert.deepEqual(amounts(bill([sub])), [677]); // 999 × 21 / 31 = 676.74 -> 677
  });

  it('charges the cancellation day and nothing after', () => {
    const sub = subscriptionOf('basic', '2025-01-01T00:00:00Z', ['subscription.cancelled', '2025-03-10T15:00:00Z']);
    assert.deepEqual(amounts(bill([sub])), [322]); // 10 days: 322.26 -> 322
  });

  it('splits a period that spans a price change into one line per plan version', () => {
    const lines = linesOf(
      bill([subscriptionOf('basic', '2025-01-01T00:00:00Z')], {
        period: { from: '2025-06-15', to: '2025-07-15' },
        issuedAt: '2025-07-15T00:00:00Z',
      }),
    );
    assert.deepEqual(
      lines.map((l) => l.kind === 'recurring' && [l.planVersion, l.activeDays, l.periodDays, l.amount.amount]),
      [
        [1, 16, 30, 533], // 999 × 16 / 30 = 532.8 -> 533
        [2, 14, 30, 513], // 1099 × 14 / 30 = 512.87 -> 513
      ],
    );
  });

  it('rounds a zero-decimal currency once, to whole units', () => {
    const yenPlan: Plan = {
      ...structuredClone(seedPlans[0]!),
      planId: 'jp',
      versions: [
        {
          version: 1,
          validFrom: '2024-01-01T00:00:00Z',
          validTo: null,
          currency: 'JPY',
          monthlyPrice: { amount: 1000, currency: 'JPY' },
          tariffs: {
            voicePerMinute: { amount: 30, currency: 'JPY' },
            smsPerMessage: { amount: 3, currency: 'JPY' },
            dataPerMb: { amount: 1, currency: 'JPY' },
          },
        },
      ],
    };
    const events = bill([subscriptionOf('jp', '2025-03-15T00:00:00Z')], { catalog: [yenPlan], currency: 'JPY' });
    assert.deepEqual(linesOf(events)[0]?.amount, { amount: 548, currency: 'JPY' }); // 1000 × 17 / 31 = 548.39
  });

  it('skips subscriptions not active in the period and orders lines by subscription id', () => {
    const gone = subscriptionOf('business-data', '2025-01-01T00:00:00Z', [
      'subscription.cancelled',
      '2025-02-01T00:00:00Z',
    ]);
    const talk = subscriptionOf('unlimited-talk', '2025-01-01T00:00:00Z');
    const basic = subscriptionOf('basic', '2025-01-01T00:00:00Z');
    const lines = linesOf(bill([talk, gone, basic]));
    assert.deepEqual(
      lines.map((l) => l.subscriptionId),
      ['sub-basic', 'sub-unlimited-talk'],
    );
  });

  it('issues nothing when there is nothing to bill', () => {
    assert.deepEqual(bill([]), []);
  });
});

describe('invoice: bill run, usage lines', () => {
  const record = (
    recordId: string,
    usageType: UsageRatedData['usageType'],
    quantity: number,
    amount: number,
    startedAt: string,
  ): UsageRatedData => ({
    recordId,
    subscriptionId: 'sub-basic',
    customerId,
    usageType,
    quantity,
    unit: usageType === 'voice' ? 'second' : usageType === 'sms' ? 'message' : 'kilobyte',
    startedAt,
    planId: 'basic',
    planVersion: 1,
    tariff: { amount: 9, currency: 'EUR' },
    tariffUnit: usageType === 'voice' ? 'minute' : usageType === 'sms' ? 'message' : 'megabyte',
    amount: { amount, currency: 'EUR' },
    at: startedAt,
  });
  const usage = [
    record('d1', 'data', 2048, 4, '2025-03-02T00:00:00Z'),
    record('v1', 'voice', 61, 9, '2025-03-01T00:00:00Z'),
    record('v2', 'voice', 30, 5, '2025-03-31T23:59:59Z'),
    record('v0', 'voice', 600, 90, '2025-02-28T23:59:59Z'), // February: not on the March bill
    record('v4', 'voice', 600, 90, '2025-04-01T00:00:00Z'), // April
    record('s1', 'sms', 1, 9, '2025-03-05T00:00:00+01:00'), // 4th March 23:00 UTC
  ];

  it('sums rated amounts per subscription and type without re-rounding, for usage started in the period', () => {
    const events = bill([subscriptionOf('basic', '2025-01-01T00:00:00Z')], { ratedUsage: usage });
    const lines = linesOf(events).filter((l) => l.kind === 'usage');
    assert.deepEqual(lines, [
      {
        kind: 'usage',
        subscriptionId: 'sub-basic',
        usageType: 'voice',
        description: 'Voice: 2 records, 91 seconds',
        records: 2,
        quantity: 91,
        unit: 'second',
        amount: { amount: 14, currency: 'EUR' },
      },
      {
        kind: 'usage',
        subscriptionId: 'sub-basic',
        usageType: 'sms',
        description: 'SMS: 1 records, 1 messages',
        records: 1,
        quantity: 1,
        unit: 'message',
        amount: { amount: 9, currency: 'EUR' },
      },
      {
        kind: 'usage',
        subscriptionId: 'sub-basic',
        usageType: 'data',
        description: 'Data: 1 records, 2048 kilobytes',
        records: 1,
        quantity: 2048,
        unit: 'kilobyte',
        amount: { amount: 4, currency: 'EUR' },
      },
    ]);
    const [issued] = events;
    assert.ok(issued?.type === 'invoice.issued');
    assert.deepEqual(issued.data.total, { amount: 999 + 14 + 9 + 4, currency: 'EUR' });
  });

  it('issues and settles at once an invoice whose total is zero', () => {
    const events = bill([], { ratedUsage: [record('free', 'voice', 60, 0, '2025-03-03T00:00:00Z')] });
    assert.deepEqual(
      events.map((e) => e.type),
      ['invoice.issued', 'invoice.paid'],
    );
    assert.deepEqual(events[1]?.data, {
      invoiceId,
      customerId,
      paymentId: null,
      total: { amount: 0, currency: 'EUR' },
      at: '2025-04-01T02:00:00Z',
    });
  });

  it('refuses the same record twice', () => {
    expectRejection(() => bill([], { ratedUsage: [usage[1]!, usage[1]!] }), 'DUPLICATE_ID', { field: 'ratedUsage' });
  });

  it("refuses another customer's usage", () => {
    expectRejection(() => bill([], { ratedUsage: [{ ...usage[1]!, customerId: 'cus-2' }] }), 'CUSTOMER_MISMATCH', {
      field: 'ratedUsage',
    });
  });

  it('refuses usage in another currency', () => {
    expectRejection(
      () => bill([], { ratedUsage: [{ ...usage[1]!, amount: { amount: 9, currency: 'PLN' } }] }),
      'CURRENCY_MISMATCH',
      { field: 'ratedUsage' },
    );
  });
});

describe('invoice: bill run input rules', () => {
  const basic = subscriptionOf('basic', '2025-01-01T00:00:00Z');
  const cases: [string, Partial<BillCustomerInput>, string, string | undefined][] = [
    [
      'a period starting on the 29th',
      { period: { from: '2025-01-29', to: '2025-02-28' } },
      'INVALID_PERIOD',
      'period.from',
    ],
    [
      'a period longer than a month',
      { period: { from: '2025-03-01', to: '2025-04-02' } },
      'INVALID_PERIOD',
      'period.to',
    ],
    ['an impossible date', { period: { from: '2025-02-30', to: '2025-03-30' } }, 'INVALID_PERIOD', 'period.from'],
    ['a due date before the issue date', { dueAt: '2025-04-01T01:00:00Z' }, 'INVALID_DUE_DATE', 'dueAt'],
    ['a bad issue time', { issuedAt: '2025-04-01' }, 'INVALID_TIMESTAMP', 'issuedAt'],
    ['an unknown currency', { currency: 'ABC' as 'EUR' }, 'INVALID_CURRENCY', 'currency'],
    ['an empty invoice id', { invoiceId: '' }, 'REQUIRED', 'invoiceId'],
    [
      'a subscription of another customer',
      { subscriptions: [{ ...basic, customerId: 'cus-2' }] },
      'CUSTOMER_MISMATCH',
      'subscriptions',
    ],
    ['a subscription given twice', { subscriptions: [basic, basic] }, 'DUPLICATE_ID', 'subscriptions'],
    ['a plan missing from the catalog', { catalog: [] }, 'UNKNOWN_PLAN', 'subscriptions'],
    ['a plan in another currency', { currency: 'PLN' }, 'CURRENCY_MISMATCH', 'subscriptions'],
  ];
  for (const [name, change, code, field] of cases) {
    it(`refuses ${name}`, () => {
      expectRejection(() => bill([basic], change), code, { field, kind: 'invalid' });
    });
  }

  it('refuses to bill a period that has not ended (charges are in arrears)', () => {
    expectRejection(() => bill([basic], { issuedAt: '2025-03-31T23:59:59Z' }), 'PERIOD_NOT_ENDED', {
      kind: 'conflict',
    });
  });
});

describe('invoice: lifecycle', () => {
  const [issuedEvent] = bill([subscriptionOf('basic', '2025-01-10T00:00:00Z')]);
  const issued = issuedEvent as InvoiceEvent;
  const total = { amount: 999, currency: 'EUR' } as const;
  const applied = (amount: number, at: string): PaymentApplied => ({
    type: 'payment.applied',
    data: { paymentId: 'pay-1', customerId, invoiceId, amount: { amount, currency: 'EUR' }, at },
  });
  const paid: InvoiceEvent = {
    type: 'invoice.paid',
    data: { invoiceId, customerId, paymentId: 'pay-1', total, at: '2025-04-03T00:00:00Z' },
  };
  const overdue: InvoiceEvent = {
    type: 'invoice.overdue',
    data: { invoiceId, customerId, dueAt: '2025-04-15T23:59:59Z', outstanding: total, at: '2025-04-16T00:00:00Z' },
  };
  const cancelled: InvoiceEvent = {
    type: 'invoice.cancelled',
    data: {
      invoiceId,
      customerId,
      creditNoteId: 'cn-1',
      amount: total,
      reason: 'billing error',
      at: '2025-04-20T00:00:00Z',
    },
  };
  const markOverdue = { type: 'MarkInvoiceOverdue', invoiceId, at: '2025-04-16T00:00:00Z' } as const;
  const cancel = {
    type: 'CancelInvoice',
    invoiceId,
    creditNoteId: 'cn-1',
    reason: 'billing error',
    at: '2025-04-20T00:00:00Z',
  } as const;

  it('marks an unpaid invoice overdue after its due date', () => {
    spec.given([issued]).when(markOverdue).then([overdue]);
  });

  it('reports the outstanding amount, not the total, when partly paid', () => {
    const [event] = spec
      .given([issued, applied(400, '2025-04-02T00:00:00Z')])
      .when(markOverdue)
      .events();
    assert.deepEqual(event?.type === 'invoice.overdue' && event.data.outstanding, { amount: 599, currency: 'EUR' });
  });

  it('refuses overdue at or before the due date', () => {
    spec
      .given([issued])
      .when({ ...markOverdue, at: '2025-04-15T23:59:59Z' })
      .thenRejects('NOT_YET_DUE', { kind: 'conflict' });
  });

  it('refuses overdue for a paid, an overdue or a cancelled invoice', () => {
    for (const past of [[paid], [overdue], [cancelled]]) {
      spec
        .given([issued, ...past])
        .when({ ...markOverdue, at: '2025-05-01T00:00:00Z' })
        .thenRejects('INVALID_TRANSITION', { kind: 'conflict' });
    }
  });

  it('refuses an unknown invoice', () => {
    spec.given([]).when(markOverdue).thenRejects('INVOICE_NOT_FOUND', { kind: 'not_found' });
    spec.given([]).when(cancel).thenRejects('INVOICE_NOT_FOUND', { kind: 'not_found' });
  });

  it('cancels an issued invoice with a credit note for the total', () => {
    spec.given([issued]).when(cancel).then([cancelled]);
  });

  it('cancels an overdue invoice', () => {
    spec.given([issued, overdue]).when(cancel).then([cancelled]);
  });

  it('refuses to cancel a partly paid invoice', () => {
    spec
      .given([issued, applied(1, '2025-04-02T00:00:00Z')])
      .when(cancel)
      .thenRejects('INVOICE_HAS_PAYMENTS', { kind: 'conflict' });
  });

  it('refuses to cancel a paid or a cancelled invoice', () => {
    spec
      .given([issued, applied(999, '2025-04-03T00:00:00Z'), paid])
      .when(cancel)
      .thenRejects('INVALID_TRANSITION');
    spec
      .given([issued, cancelled])
      .when({ ...cancel, at: '2025-04-21T00:00:00Z' })
      .thenRejects('INVALID_TRANSITION');
  });

  it('requires a credit note id and a reason', () => {
    spec
      .given([issued])
      .when({ ...cancel, creditNoteId: '' })
      .thenRejects('REQUIRED', { field: 'creditNoteId' });
    spec
      .given([issued])
      .when({ ...cancel, reason: '' })
      .thenRejects('REQUIRED', { field: 'reason' });
  });

  it('refuses a command dated before the last change', () => {
    spec
      .given([issued, applied(1, '2025-04-18T00:00:00Z')])
      .when(markOverdue)
      .thenRejects('TIME_BEFORE_LAST_CHANGE', { field: 'at' });
  });

  it('folds payments into paid and outstanding', () => {
    const state = spec.given([
      issued,
      applied(400, '2025-04-02T00:00:00Z'),
      applied(599, '2025-04-03T00:00:00Z'),
      paid,
    ]).state;
    assert.equal(state?.status, 'PAID');
    assert.deepEqual(state?.paid, total);
    assert.deepEqual(state?.outstanding, { amount: 0, currency: 'EUR' });
    assert.equal(state?.paidAt, '2025-04-03T00:00:00Z');
    assert.equal(state && invoice.isOpen(state), false);
  });

  it('an overdue invoice is still open and can be paid', () => {
    const state = spec.given([issued, overdue]).state!;
    assert.equal(invoice.isOpen(state), true);
    assert.equal(spec.given([issued, overdue, applied(999, '2025-04-17T00:00:00Z'), paid]).state?.status, 'PAID');
  });
});
