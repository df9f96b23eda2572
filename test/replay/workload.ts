// A replay workload of real domain events: a few customer journeys driven through the domain's
// decide functions (create, order, subscriptions, usage, a bill run, a payment), encoded with the
// codec and appended with the events' own times as record timestamps, so tests control time.
import { randomUUID } from 'node:crypto';
import { seedPlans } from '../../src/domain/catalog/index.ts';
import * as customer from '../../src/domain/customer/index.ts';
import * as invoice from '../../src/domain/invoice/index.ts';
import * as order from '../../src/domain/order/index.ts';
import * as payment from '../../src/domain/payment/index.ts';
import * as usage from '../../src/domain/usage/index.ts';
import { foldCustomerView, type CustomerView, type DomainEvent } from '../../src/domain/index.ts';
import type { AppendRecord, EventLog } from '../../src/log/event-log.ts';
import { codec } from '../support/events.ts';
import { sliceByTimeSpan } from '../../src/replay/shared/records.ts';

export { codec };

const iso = (ms: number) => new Date(ms).toISOString();
export const DAY = 86_400_000;
/** 2025-03-01T00:00:00Z: journeys run through March, the bill run and payments in April. */
export const T0 = Date.parse('2025-03-01T00:00:00Z');

/** One customer's journey; `n` shifts its times by n hours so customers interleave. */
export function journey(customerId: string, n: number): DomainEvent[] {
  const events: DomainEvent[] = [];
  const at = (day: number, hour = 0) => iso(T0 + day * DAY + (hour + n) * 3_600_000);
  const view = () => foldCustomerView(customerId, events);
  const push = (more: DomainEvent[]) => events.push(...more);
  const orderId = `ord-${customerId}`;
  const subs = [`sub-${customerId}-1`, `sub-${customerId}-2`];
  const orderContext = () => ({
    customer: view().customer,
    catalog: seedPlans,
    accountCurrency: view().balance.currency,
  });
  push(
    customer.decide(
      {
        type: 'CreateCustomer',
        customerId,
        firstName: 'Test',
        lastName: `Customer ${n}`,
        email: `${customerId}@example.com`,
        address: { line1: '1 Test Street', city: 'Testville', postalCode: '00-001', country: 'PL' },
        at: at(0),
      },
      null,
    ),
  );
  push(
    order.decide(
      {
        type: 'PlaceOrder',
        orderId,
        customerId,
        items: [{ planId: 'basic' }, { planId: 'unlimited-talk' }],
        at: at(1),
      },
      null,
      orderContext(),
    ),
  );
  push(order.decide({ type: 'ApproveOrder', orderId, at: at(1, 1) }, view().orders[orderId] ?? null, orderContext()));
  push(
    order.decide(
      { type: 'CompleteOrder', orderId, subscriptionIds: subs, at: at(2) },
      view().orders[orderId] ?? null,
      orderContext(),
    ),
  );
  for (let u = 0; u < 6; u++) {
    const subscriptionId = subs[u % 2] as string;
    push(
      usage.decide(
        {
          type: 'IngestUsage',
          recordId: `cdr-${customerId}-${u}`,
          subscriptionId,
          usageType: u % 3 === 0 ? 'voice' : u % 3 === 1 ? 'sms' : 'data',
          quantity: 30 + u * 17,
          startedAt: at(3 + u * 3),
          at: at(3 + u * 3),
        },
        null,
        { subscription: view().subscriptions[subscriptionId] ?? null, catalog: seedPlans },
      ),
    );
  }
  if (n % 2 === 0) {
    push(
      customer.decide(
        { type: 'UpdateCustomerContact', customerId, phone: '+48123456789', at: at(20) },
        view().customer,
      ),
    );
  }
  push(
    invoice.billCustomer({
      customerId,
      period: { from: '2025-03-01', to: '2025-04-01' },
      subscriptions: Object.values(view().subscriptions),
      ratedUsage: events.flatMap((e) => (e.type === 'usage.rated' ? [e.data] : [])),
      catalog: seedPlans,
      invoiceId: `inv-${customerId}`,
      issuedAt: at(31, 2),
      dueAt: at(45),
      currency: 'EUR',
    }),
  );
  const paymentContext = () => ({
    customer: view().customer,
    accountCurrency: view().balance.currency,
    invoices: Object.values(view().invoices),
  });
  const paymentId = `pay-${customerId}`;
  // Odd customers overpay (credit, negative balance), even ones pay part of the invoice.
  const total = view().invoices[`inv-${customerId}`]?.total.amount ?? 0;
  push(
    payment.decide(
      {
        type: 'CreatePayment',
        paymentId,
        customerId,
        amount: { amount: n % 2 === 1 ? total + 500 : Math.max(1, Math.floor(total / 2)), currency: 'EUR' },
        method: 'card',
        at: at(35),
      },
      null,
      paymentContext(),
    ),
  );
  push(
    payment.decide(
      { type: 'CapturePayment', paymentId, at: at(35, 1) },
      view().payments[paymentId] ?? null,
      paymentContext(),
    ),
  );
  return events;
}

export interface Workload {
  readonly customers: readonly string[];
  /** Every event in log (time) order. */
  readonly events: readonly DomainEvent[];
  /** The view of a customer folded from the events at or before `at` (ms): the reference answer. */
  viewAt(customerId: string, at: number): CustomerView;
}

export function buildWorkload(customers: number, prefix = 'cus'): Workload {
  const ids = Array.from({ length: customers }, (_, i) => `${prefix}-${i}`);
  const events = ids
    .flatMap((id, n) => journey(id, n))
    .map((event, i) => ({ event, i }))
    .sort((a, b) => Date.parse(a.event.data.at) - Date.parse(b.event.data.at) || a.i - b.i)
    .map((x) => x.event);
  return {
    customers: ids,
    events,
    viewAt: (customerId, at) =>
      foldCustomerView(
        customerId,
        events.filter((e) => e.data.customerId === customerId && Date.parse(e.data.at) <= at),
      ),
  };
}

export const toRecord = (event: DomainEvent, source = '/bss/test'): AppendRecord =>
  codec.toRecord(codec.encode(event, { id: randomUUID(), source }));

export async function appendWorkload(log: EventLog, topic: string, events: readonly DomainEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 200) {
    // The workload spans more than 24.8 days: see MAX_APPEND_SPAN_MS.
    for (const slice of sliceByTimeSpan(events.slice(i, i + 200).map((e) => toRecord(e))))
      await log.append(topic, slice);
  }
}
