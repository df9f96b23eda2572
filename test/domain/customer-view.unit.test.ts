// A whole customer journey driven through the decide functions, the way the
// application layer will: load state from the view, decide, append the events.
// Then: the view at the end, the view at an earlier time (time travel), and the
// per-aggregate read model built with aggregatesOf + each evolve must agree.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seedPlans } from '../../src/domain/catalog/index.ts';
import * as customer from '../../src/domain/customer/index.ts';
import { evolveCustomerView, foldCustomerView, initialCustomerView } from '../../src/domain/customer-view.ts';
import { aggregatesOf, type AggregateType, type DomainEvent } from '../../src/domain/events.ts';
import * as invoice from '../../src/domain/invoice/index.ts';
import * as order from '../../src/domain/order/index.ts';
import * as payment from '../../src/domain/payment/index.ts';
import * as subscription from '../../src/domain/subscription/index.ts';
import * as usage from '../../src/domain/usage/index.ts';
import { toMillis } from '../../src/domain/time.ts';

const customerId = 'cus-42';
const log: DomainEvent[] = [];
const view = () => foldCustomerView(customerId, log);
const append = (events: DomainEvent[]) => log.push(...events);
const eur = (amount: number) => ({ amount, currency: 'EUR' as const });

function orderContext(): order.OrderContext {
  const v = view();
  return { customer: v.customer, catalog: seedPlans, accountCurrency: v.balance.currency };
}

function ingest(
  recordId: string,
  subscriptionId: string,
  usageType: usage.UsageType,
  quantity: number,
  startedAt: string,
) {
  const v = view();
  const seen = log.some(
    (e) => (e.type === 'usage.rated' || e.type === 'usage.rejected') && e.data.recordId === recordId,
  );
  const state: usage.UsageState = seen ? ({ status: 'RATED' } as usage.UsageRecord) : null;
  append(
    usage.decide(
      { type: 'IngestUsage', recordId, subscriptionId, usageType, quantity, startedAt, at: startedAt },
      state,
      { subscription: v.subscriptions[subscriptionId] ?? null, catalog: seedPlans },
    ),
  );
}

// --- the journey ---------------------------------------------------------------
append(
  customer.decide(
    {
      type: 'CreateCustomer',
      customerId,
      firstName: 'Jan',
      lastName: 'Nowak',
      email: 'jan@example.com',
      address: { line1: 'Rynek 1', city: 'Kraków', postalCode: '31-001', country: 'PL' },
      at: '2025-03-01T09:00:00Z',
    },
    null,
  ),
);
append(
  order.decide(
    {
      type: 'PlaceOrder',
      orderId: 'ord-1',
      customerId,
      items: [{ planId: 'basic' }, { planId: 'unlimited-talk' }],
      at: '2025-03-10T10:00:00Z',
    },
    null,
    orderContext(),
  ),
);
append(
  order.decide(
    { type: 'ApproveOrder', orderId: 'ord-1', at: '2025-03-10T11:00:00Z' },
    view().orders['ord-1']!,
    orderContext(),
  ),
);
append(
  order.decide(
    { type: 'CompleteOrder', orderId: 'ord-1', subscriptionIds: ['sub-1', 'sub-2'], at: '2025-03-15T12:00:00Z' },
    view().orders['ord-1']!,
    orderContext(),
  ),
);
ingest('cdr-1', 'sub-1', 'voice', 61, '2025-03-20T08:00:00Z'); // 9 × 61/60 = 9.15 -> 9
ingest('cdr-2', 'sub-2', 'data', 2048, '2025-03-21T08:00:00Z'); // 2 MB × 1 = 2
ingest('cdr-1', 'sub-1', 'voice', 61, '2025-03-20T08:00:00Z'); // repeat: ignored
append(
  subscription.decide(
    { type: 'SuspendSubscription', subscriptionId: 'sub-2', at: '2025-03-25T00:00:00Z' },
    view().subscriptions['sub-2']!,
  ),
);
ingest('cdr-3', 'sub-2', 'sms', 1, '2025-03-26T08:00:00Z'); // suspended: rejected

const ratedUsage = log.flatMap((e) => (e.type === 'usage.rated' ? [e.data] : []));
append(
  invoice.billCustomer({
    customerId,
    period: { from: '2025-03-01', to: '2025-04-01' },
    subscriptions: Object.values(view().subscriptions),
    ratedUsage,
    catalog: seedPlans,
    invoiceId: 'inv-1',
    issuedAt: '2025-04-01T02:00:00Z',
    dueAt: '2025-04-15T00:00:00Z',
    currency: 'EUR',
  }),
);
const paymentContext = (): payment.PaymentContext => {
  const v = view();
  return { customer: v.customer, accountCurrency: v.balance.currency, invoices: Object.values(v.invoices) };
};
append(
  payment.decide(
    {
      type: 'CreatePayment',
      paymentId: 'pay-1',
      customerId,
      amount: eur(1500),
      method: 'card',
      at: '2025-04-05T10:00:00Z',
    },
    null,
    paymentContext(),
  ),
);
append(
  payment.decide(
    { type: 'CapturePayment', paymentId: 'pay-1', at: '2025-04-05T10:00:05Z' },
    view().payments['pay-1']!,
    paymentContext(),
  ),
);
append(
  payment.decide(
    { type: 'RefundPayment', paymentId: 'pay-1', refundId: 'ref-1', amount: eur(100), at: '2025-04-10T00:00:00Z' },
    view().payments['pay-1']!,
    paymentContext(),
  ),
);

// --- assertions ------------------------------------------------------------------
describe('customer view: a whole journey', () => {
  it('bills March: pro-rated fees from activation (and until suspension) plus usage', () => {
    const inv = view().invoices['inv-1']!;
    assert.deepEqual(
      inv.lines.map((l) => [l.subscriptionId, l.kind, l.amount.amount]),
      [
        ['sub-1', 'recurring', 548], // 999 × 17/31 = 547.84
        ['sub-2', 'recurring', 645], // 1999 × 10/31 = 644.84 (15th..24th)
        ['sub-1', 'usage', 9],
        ['sub-2', 'usage', 2],
      ],
    );
    assert.deepEqual(inv.total, eur(1204));
    assert.equal(inv.status, 'PAID');
    assert.deepEqual(inv.outstanding, eur(0));
  });

  it('folds payments, credit and the refund into the balance', () => {
    const v = view();
    assert.deepEqual(v.balance, {
      customerId,
      currency: 'EUR',
      invoiced: 1204,
      paid: 1500,
      refunded: 100,
      credit: 196,
      balance: -196,
    });
    assert.deepEqual(payment.unapplied(v.payments['pay-1']!), eur(196));
  });

  it('summarises usage per subscription, counting the rejected record', () => {
    assert.deepEqual(view().usage, {
      'sub-1': { ratedRecords: 1, rejectedRecords: 0, ratedAmount: eur(9) },
      'sub-2': { ratedRecords: 1, rejectedRecords: 1, ratedAmount: eur(2) },
    });
  });

  it('knows every aggregate and the time of the last fact', () => {
    const v = view();
    assert.equal(v.customer?.status, 'ACTIVE');
    assert.equal(v.orders['ord-1']?.status, 'COMPLETED');
    assert.deepEqual(
      Object.values(v.subscriptions).map((s) => [s.subscriptionId, s.status]),
      [
        ['sub-1', 'ACTIVE'],
        ['sub-2', 'SUSPENDED'],
      ],
    );
    assert.equal(v.asOf, '2025-04-10T00:00:00Z');
  });

  it('travels in time: the state at the end of March has no invoice and no debt', () => {
    const t = toMillis('2025-03-31T23:59:59Z');
    const past = foldCustomerView(
      customerId,
      log.filter((e) => toMillis(e.data.at) <= t),
    );
    assert.deepEqual(past.invoices, {});
    assert.deepEqual(past.payments, {});
    assert.equal(past.balance.balance, 0);
    assert.equal(past.balance.currency, 'EUR'); // fixed by the order
    assert.equal(past.subscriptions['sub-2']?.status, 'SUSPENDED');
    assert.equal(past.asOf, '2025-03-26T08:00:00Z');
  });

  it('equals a read model built per aggregate with aggregatesOf and each evolve', () => {
    const rows = new Map<string, unknown>();
    const evolveFor: Record<Exclude<AggregateType, 'usage'>, (state: never, event: never) => unknown> = {
      customer: customer.evolve,
      order: order.evolve,
      subscription: subscription.evolve,
      invoice: invoice.evolve,
      payment: payment.evolve,
    };
    for (const event of log) {
      for (const ref of aggregatesOf(event)) {
        if (ref.type === 'usage') continue;
        const key = `${ref.type}:${ref.id}`;
        const evolve = evolveFor[ref.type] as (state: unknown, event: DomainEvent) => unknown;
        rows.set(key, evolve(rows.get(key) ?? null, event));
      }
    }
    const v = view();
    assert.deepEqual(rows.get(`customer:${customerId}`), v.customer);
    for (const [kind, entries] of [
      ['order', v.orders],
      ['subscription', v.subscriptions],
      ['invoice', v.invoices],
      ['payment', v.payments],
    ] as const) {
      for (const [id, state] of Object.entries(entries))
        assert.deepEqual(rows.get(`${kind}:${id}`), state, `${kind}:${id}`);
    }
    assert.equal(rows.size, 1 + 1 + 2 + 1 + 1);
  });

  it('is plain JSON (stored as jsonb)', () => {
    const v = view();
    assert.deepEqual(JSON.parse(JSON.stringify(v)), v);
  });

  it("skips other customers' events, so a whole partition can be folded", () => {
    const other: DomainEvent = {
      type: 'customer.resumed',
      data: { customerId: 'cus-other', at: '2025-05-01T00:00:00Z' },
    };
    const v = view();
    assert.equal(evolveCustomerView(v, other), v);
    assert.deepEqual(foldCustomerView('cus-other', log), initialCustomerView('cus-other'));
  });
});
