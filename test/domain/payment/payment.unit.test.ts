import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as invoice from '../../../src/domain/invoice/index.ts';
import type { Invoice, InvoiceFoldEvent } from '../../../src/domain/invoice/index.ts';
import type { Money } from '../../../src/domain/money.ts';
import * as payment from '../../../src/domain/payment/index.ts';
import type {
  CreatePayment,
  PaymentContext,
  PaymentDecision,
  PaymentEvent,
} from '../../../src/domain/payment/index.ts';
import { activeCustomer, customerId, terminatedCustomer } from '../fixtures.ts';
import { specFor } from '../given-when-then.ts';

const spec = specFor(payment);
const paymentId = 'pay-1';
const eur = (amount: number): Money => ({ amount, currency: 'EUR' });

function invoiceOf(invoiceId: string, issuedAt: string, total: number, ...more: InvoiceFoldEvent[]): Invoice {
  const issued: InvoiceFoldEvent = {
    type: 'invoice.issued',
    data: {
      invoiceId,
      customerId,
      period: { from: '2025-03-01', to: '2025-04-01' },
      currency: 'EUR',
      lines: [],
      total: eur(total),
      dueAt: '2025-12-31T00:00:00Z',
      at: issuedAt,
    },
  };
  return [issued, ...more].reduce(invoice.evolve, invoice.initialState)!;
}

// Listed newest first on purpose: allocation must sort them.
const march = invoiceOf('inv-03', '2025-04-01T00:00:00Z', 1000);
const february = invoiceOf('inv-02', '2025-03-01T00:00:00Z', 500);
const context: PaymentContext = { customer: activeCustomer, accountCurrency: 'EUR', invoices: [march, february] };

const create: CreatePayment = {
  type: 'CreatePayment',
  paymentId,
  customerId,
  amount: eur(1200),
  method: 'card',
  reference: 'auth-123',
  at: '2025-04-05T10:00:00Z',
};
const authorized: PaymentEvent = {
  type: 'payment.authorized',
  data: { paymentId, customerId, amount: eur(1200), method: 'card', reference: 'auth-123', at: create.at },
};
const captureAt = '2025-04-05T10:01:00Z';
const captured: PaymentEvent = {
  type: 'payment.captured',
  data: { paymentId, customerId, amount: eur(1200), at: captureAt },
};
const applied = (invoiceId: string, amount: number, at = captureAt): PaymentEvent => ({
  type: 'payment.applied',
  data: { paymentId, customerId, invoiceId, amount: eur(amount), at },
});
const paid = (invoiceId: string, total: number, at = captureAt): PaymentDecision => ({
  type: 'invoice.paid',
  data: { invoiceId, customerId, paymentId, total: eur(total), at },
});
const capture = { type: 'CapturePayment', paymentId, at: captureAt } as const;

describe('payment: create', () => {
  it('authorizes a payment', () => {
    spec.given([]).when(create, context).then([authorized]);
  });

  it('lets a terminated customer settle a debt', () => {
    assert.equal(
      spec
        .given([])
        .when(create, { ...context, customer: terminatedCustomer })
        .events().length,
      1,
    );
  });

  it('accepts any known currency while the account has none', () => {
    const [event] = spec
      .given([])
      .when({ ...create, amount: { amount: 100, currency: 'PLN' } }, { ...context, accountCurrency: null })
      .events();
    assert.deepEqual(event?.type === 'payment.authorized' && event.data.amount, { amount: 100, currency: 'PLN' });
  });

  it('rejects an existing payment id', () => {
    spec.given([authorized]).when(create, context).thenRejects('PAYMENT_ALREADY_EXISTS', { kind: 'conflict' });
  });

  it('rejects an unknown customer', () => {
    spec
      .given([])
      .when(create, { ...context, customer: null })
      .thenRejects('CUSTOMER_NOT_FOUND', { kind: 'not_found' });
  });

  const invalid: [string, Partial<CreatePayment>, string, string][] = [
    ['a zero amount', { amount: eur(0) }, 'INVALID_AMOUNT', 'amount.amount'],
    ['a negative amount', { amount: eur(-100) }, 'INVALID_AMOUNT', 'amount.amount'],
    ['a fractional amount', { amount: eur(12.5) }, 'INVALID_AMOUNT', 'amount.amount'],
    [
      'an unknown currency',
      { amount: { amount: 1, currency: 'EURO' } as unknown as Money },
      'INVALID_CURRENCY',
      'amount.currency',
    ],
    [
      'another currency than the account',
      { amount: { amount: 1, currency: 'USD' } },
      'CURRENCY_MISMATCH',
      'amount.currency',
    ],
    ['an unknown method', { method: 'bitcoin' as CreatePayment['method'] }, 'INVALID_PAYMENT_METHOD', 'method'],
    ['an empty customer id', { customerId: '' }, 'REQUIRED', 'customerId'],
  ];
  for (const [name, change, code, field] of invalid) {
    it(`rejects ${name}`, () => {
      spec
        .given([])
        .when({ ...create, ...change }, context)
        .thenRejects(code, { field, kind: 'invalid' });
    });
  }
});

describe('payment: capture applies money to open invoices, oldest first', () => {
  it('pays the oldest invoice, then part of the next', () => {
    spec
      .given([authorized])
      .when(capture, context)
      .then([captured, applied('inv-02', 500), paid('inv-02', 500), applied('inv-03', 700)]);
  });

  it('keeps what is left as credit when every invoice is paid', () => {
    spec
      .given([authorized])
      .when(capture, { ...context, invoices: [february] })
      .then([captured, applied('inv-02', 500), paid('inv-02', 500)]);
  });

  it('only captures when nothing is open', () => {
    spec
      .given([authorized])
      .when(capture, { ...context, invoices: [] })
      .then([captured]);
  });

  it('skips paid, cancelled and not-yet-issued invoices; pays the outstanding part of a partly paid one', () => {
    const settled = invoiceOf('inv-01', '2025-02-01T00:00:00Z', 300, {
      type: 'invoice.paid',
      data: { invoiceId: 'inv-01', customerId, paymentId: 'pay-0', total: eur(300), at: '2025-02-02T00:00:00Z' },
    });
    const cancelled = invoiceOf('inv-00', '2025-01-01T00:00:00Z', 300, {
      type: 'invoice.cancelled',
      data: {
        invoiceId: 'inv-00',
        customerId,
        creditNoteId: 'cn',
        amount: eur(300),
        reason: 'x',
        at: '2025-01-02T00:00:00Z',
      },
    });
    const partly = invoiceOf('inv-02', '2025-03-01T00:00:00Z', 500, {
      type: 'payment.applied',
      data: { paymentId: 'pay-0', customerId, invoiceId: 'inv-02', amount: eur(450), at: '2025-03-02T00:00:00Z' },
    });
    const future = invoiceOf('inv-04', '2025-05-01T00:00:00Z', 1000);
    spec
      .given([authorized])
      .when(capture, { ...context, invoices: [future, settled, cancelled, partly] })
      .then([captured, applied('inv-02', 50), paid('inv-02', 500)]);
  });

  it('orders invoices issued at the same time by id', () => {
    const a = invoiceOf('inv-a', '2025-03-01T00:00:00Z', 1000);
    const b = invoiceOf('inv-b', '2025-03-01T00:00:00Z', 1000);
    spec
      .given([authorized])
      .when(capture, { ...context, invoices: [b, a] })
      .then([captured, applied('inv-a', 1000), paid('inv-a', 1000), applied('inv-b', 200)]);
  });

  it("rejects another customer's invoice", () => {
    spec
      .given([authorized])
      .when(capture, { ...context, invoices: [{ ...march, customerId: 'cus-2' }] })
      .thenRejects('CUSTOMER_MISMATCH', { field: 'invoices' });
  });

  it('rejects an open invoice in another currency', () => {
    const pln = { ...march, currency: 'PLN' as const, outstanding: { amount: 1000, currency: 'PLN' as const } };
    spec
      .given([authorized])
      .when(capture, { ...context, invoices: [pln] })
      .thenRejects('CURRENCY_MISMATCH', { field: 'invoices' });
  });

  it('rejects capturing twice', () => {
    spec
      .given([authorized, captured])
      .when({ ...capture, at: '2025-04-06T00:00:00Z' }, context)
      .thenRejects('INVALID_TRANSITION', { kind: 'conflict' });
  });

  it('rejects capturing a failed payment', () => {
    spec
      .given([
        authorized,
        { type: 'payment.failed', data: { paymentId, customerId, reason: 'declined', at: captureAt } },
      ])
      .when(capture, context)
      .thenRejects('INVALID_TRANSITION');
  });

  it('rejects an unknown payment', () => {
    spec.given([]).when(capture, context).thenRejects('PAYMENT_NOT_FOUND', { kind: 'not_found' });
  });

  it('rejects a capture dated before the authorization', () => {
    spec
      .given([authorized])
      .when({ ...capture, at: '2025-04-05T09:00:00Z' }, context)
      .thenRejects('TIME_BEFORE_LAST_CHANGE', { field: 'at' });
  });
});

describe('payment: fail', () => {
  const fail = { type: 'FailPayment', paymentId, reason: 'card declined', at: captureAt } as const;

  it('fails an authorized payment', () => {
    spec
      .given([authorized])
      .when(fail, context)
      .then([{ type: 'payment.failed', data: { paymentId, customerId, reason: 'card declined', at: captureAt } }]);
  });

  it('requires a reason', () => {
    spec
      .given([authorized])
      .when({ ...fail, reason: '' }, context)
      .thenRejects('REQUIRED', { field: 'reason' });
  });

  it('rejects failing a captured payment', () => {
    spec.given([authorized, captured]).when(fail, context).thenRejects('INVALID_TRANSITION');
  });

  it('rejects an unknown payment', () => {
    spec.given([]).when(fail, context).thenRejects('PAYMENT_NOT_FOUND');
  });
});

describe('payment: refund, never more than captured', () => {
  const refund = {
    type: 'RefundPayment',
    paymentId,
    refundId: 'ref-1',
    amount: eur(200),
    at: '2025-04-10T00:00:00Z',
  } as const;
  const refunded = (refundId: string, amount: number, total: number, at = refund.at): PaymentEvent => ({
    type: 'payment.refunded',
    data: { paymentId, customerId, refundId, amount: eur(amount), totalRefunded: eur(total), reason: null, at },
  });

  it('refunds part of a captured payment', () => {
    spec
      .given([authorized, captured])
      .when(refund, context)
      .then([refunded('ref-1', 200, 200)]);
  });

  it('refunds the rest, up to exactly what was captured', () => {
    spec
      .given([authorized, captured, refunded('ref-1', 200, 200)])
      .when({ ...refund, refundId: 'ref-2', amount: eur(1000), reason: 'goodwill' }, context)
      .then([
        {
          ...refunded('ref-2', 1000, 1200),
          data: { ...refunded('ref-2', 1000, 1200).data, reason: 'goodwill' },
        } as PaymentEvent,
      ]);
  });

  it('rejects refunding more than captured', () => {
    const rejection = spec
      .given([authorized, captured])
      .when({ ...refund, amount: eur(1201) }, context)
      .thenRejects('REFUND_EXCEEDS_CAPTURED', { field: 'amount', kind: 'invalid' });
    assert.deepEqual(rejection.details, { refundable: eur(1200) });
  });

  it('rejects refunding more than what is left after earlier refunds', () => {
    spec
      .given([authorized, captured, refunded('ref-1', 1000, 1000)])
      .when({ ...refund, refundId: 'ref-2', amount: eur(201) }, context)
      .thenRejects('REFUND_EXCEEDS_CAPTURED');
  });

  it('ignores a retried refund with the same id and amount', () => {
    spec
      .given([authorized, captured, refunded('ref-1', 200, 200)])
      .when(refund, context)
      .thenNothing();
  });

  it('rejects a refund id reused for another amount', () => {
    spec
      .given([authorized, captured, refunded('ref-1', 200, 200)])
      .when({ ...refund, amount: eur(300) }, context)
      .thenRejects('REFUND_ID_REUSED', { kind: 'conflict' });
  });

  it('rejects a refund in another currency', () => {
    spec
      .given([authorized, captured])
      .when({ ...refund, amount: { amount: 200, currency: 'USD' } }, context)
      .thenRejects('CURRENCY_MISMATCH', { field: 'amount.currency' });
  });

  it('rejects a zero refund', () => {
    spec
      .given([authorized, captured])
      .when({ ...refund, amount: eur(0) }, context)
      .thenRejects('INVALID_AMOUNT');
  });

  it('rejects refunding a payment that was not captured', () => {
    spec.given([authorized]).when(refund, context).thenRejects('INVALID_TRANSITION', { kind: 'conflict' });
  });

  it('rejects an unknown payment', () => {
    spec.given([]).when(refund, context).thenRejects('PAYMENT_NOT_FOUND');
  });
});

describe('payment: apply credit to invoices issued later', () => {
  const later = '2025-05-02T00:00:00Z';
  const april = invoiceOf('inv-04', '2025-05-01T00:00:00Z', 1000);
  const apply = { type: 'ApplyPaymentCredit', paymentId, at: later } as const;
  const creditOf700: PaymentEvent[] = [authorized, captured, applied('inv-02', 500)];

  it('applies the leftover credit to a new invoice', () => {
    spec
      .given(creditOf700)
      .when(apply, { ...context, invoices: [april] })
      .then([applied('inv-04', 700, later)]);
  });

  it('applies only the credit left after a refund', () => {
    spec
      .given([
        ...creditOf700,
        {
          type: 'payment.refunded',
          data: {
            paymentId,
            customerId,
            refundId: 'r',
            amount: eur(600),
            totalRefunded: eur(600),
            reason: null,
            at: later,
          },
        },
      ])
      .when(apply, { ...context, invoices: [april] })
      .then([applied('inv-04', 100, later)]);
  });

  it('does nothing without credit', () => {
    spec
      .given([authorized, captured, applied('inv-02', 500), applied('inv-03', 700)])
      .when(apply, { ...context, invoices: [april] })
      .thenNothing();
  });

  it('rejects applying an uncaptured payment', () => {
    spec.given([authorized]).when(apply, context).thenRejects('INVALID_TRANSITION');
  });
});

describe('payment: evolve', () => {
  it('tracks captured, applied, refunded and what is left', () => {
    const state = spec.given([
      authorized,
      captured,
      applied('inv-02', 500),
      {
        type: 'payment.refunded',
        data: {
          paymentId,
          customerId,
          refundId: 'r',
          amount: eur(900),
          totalRefunded: eur(900),
          reason: null,
          at: '2025-04-10T00:00:00Z',
        },
      },
    ]).state!;
    assert.equal(state.status, 'CAPTURED');
    assert.deepEqual([state.captured, state.applied, state.refunded], [eur(1200), eur(500), eur(900)]);
    // The refund took the 700 of credit and 200 of money applied to inv-02.
    assert.deepEqual(payment.unapplied(state), eur(0));
    assert.deepEqual(payment.refundable(state), eur(300));
    assert.deepEqual(state.allocations, [{ invoiceId: 'inv-02', amount: eur(500), at: captureAt }]);
  });
});
