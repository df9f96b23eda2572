import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { affectsBalance, evolveBalance, initialBalance, type CustomerBalance } from '../../src/domain/balance.ts';
import type { DomainEvent } from '../../src/domain/events.ts';
import { customerId, customerCreated } from './fixtures.ts';
import { expectRejection } from './given-when-then.ts';

const eur = (amount: number) => ({ amount, currency: 'EUR' as const });
const at = '2025-04-01T00:00:00Z';

const issued = (invoiceId: string, total: number): DomainEvent => ({
  type: 'invoice.issued',
  data: {
    invoiceId,
    customerId,
    period: { from: '2025-03-01', to: '2025-04-01' },
    currency: 'EUR',
    lines: [],
    total: eur(total),
    dueAt: at,
    at,
  },
});
const captured = (paymentId: string, amount: number): DomainEvent => ({
  type: 'payment.captured',
  data: { paymentId, customerId, amount: eur(amount), at },
});
const refunded = (amount: number, total: number): DomainEvent => ({
  type: 'payment.refunded',
  data: {
    paymentId: 'pay-1',
    customerId,
    refundId: `r-${total}`,
    amount: eur(amount),
    totalRefunded: eur(total),
    reason: null,
    at,
  },
});

function fold(...events: DomainEvent[]): CustomerBalance {
  return events.reduce(evolveBalance, initialBalance(customerId));
}

describe('balance: what the customer owes', () => {
  it('starts at zero with no currency', () => {
    assert.deepEqual(fold(customerCreated), {
      customerId,
      currency: null,
      invoiced: 0,
      paid: 0,
      refunded: 0,
      credit: 0,
      balance: 0,
    });
  });

  it('owes what was invoiced and not paid', () => {
    assert.deepEqual(fold(issued('inv-1', 999), issued('inv-2', 1500), captured('pay-1', 1000)), {
      customerId,
      currency: 'EUR',
      invoiced: 2499,
      paid: 1000,
      refunded: 0,
      credit: 0,
      balance: 1499,
    });
  });

  it('turns overpayment into credit (negative balance)', () => {
    const b = fold(issued('inv-1', 999), captured('pay-1', 1500));
    assert.equal(b.balance, -501);
    assert.equal(b.credit, 501);
  });

  it('raises the balance by what is refunded', () => {
    const b = fold(issued('inv-1', 999), captured('pay-1', 1500), refunded(501, 501));
    assert.deepEqual([b.balance, b.credit, b.refunded], [0, 0, 501]);
    const more = evolveBalance(b, refunded(300, 801));
    assert.deepEqual([more.balance, more.credit], [300, 0]); // owed again: the refund took back paid money
  });

  it('removes a cancelled invoice (credit note) from what is owed', () => {
    const b = fold(issued('inv-1', 999), {
      type: 'invoice.cancelled',
      data: { invoiceId: 'inv-1', customerId, creditNoteId: 'cn-1', amount: eur(999), reason: 'error', at },
    });
    assert.deepEqual([b.invoiced, b.balance], [0, 0]);
  });

  it('does not move on applications, paid/overdue markers, failures or usage', () => {
    const before = fold(issued('inv-1', 999), captured('pay-1', 999));
    const after = [
      { type: 'payment.applied', data: { paymentId: 'pay-1', customerId, invoiceId: 'inv-1', amount: eur(999), at } },
      { type: 'invoice.paid', data: { invoiceId: 'inv-1', customerId, paymentId: 'pay-1', total: eur(999), at } },
      { type: 'payment.failed', data: { paymentId: 'pay-2', customerId, reason: 'declined', at } },
    ].reduce((b, e) => evolveBalance(b, e as DomainEvent), before);
    assert.deepEqual(after, before);
  });

  it('fixes the account currency on the first order or payment and refuses another', () => {
    const b = fold({
      type: 'order.placed',
      data: { orderId: 'o', customerId, items: [], currency: 'PLN', monthlyTotal: { amount: 0, currency: 'PLN' }, at },
    });
    assert.equal(b.currency, 'PLN');
    expectRejection(() => evolveBalance(b, captured('pay-1', 100)), 'CURRENCY_MISMATCH');
  });
});

it('affectsBalance is true exactly for the events evolveBalance does not pass through', async () => {
  const samples = [
    { type: 'usage.rated', data: { customerId: 'c', at } },
    { type: 'customer.created', data: { customerId: 'c', at } },
    { type: 'payment.applied', data: { customerId: 'c', at } },
    { type: 'invoice.issued', data: { customerId: 'c', at, total: eur(100) } },
    { type: 'payment.captured', data: { customerId: 'c', at, amount: eur(100) } },
    { type: 'payment.refunded', data: { customerId: 'c', at, amount: eur(10) } },
    { type: 'order.placed', data: { customerId: 'c', at, currency: 'EUR' } },
  ] as unknown as Parameters<typeof evolveBalance>[1][];
  for (const event of samples) {
    const before = initialBalance('c');
    assert.equal(affectsBalance(event), evolveBalance(before, event) !== before, event.type);
  }
});
