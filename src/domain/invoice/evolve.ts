import { assertNever } from '../event.ts';
import { subtract, add } from '../money.ts';
import type { InvoiceEvent } from './events.ts';
import type { PaymentApplied } from './payment-applied.ts';
import type { InvoiceState } from './state.ts';

export type InvoiceFoldEvent = InvoiceEvent | PaymentApplied;

export function evolve(state: InvoiceState, event: InvoiceFoldEvent): InvoiceState {
  switch (event.type) {
    case 'invoice.issued': {
      const { invoiceId, customerId, period, currency, lines, total, dueAt, at } = event.data;
      return {
        invoiceId,
        customerId,
        period,
        currency,
        lines,
        total,
        status: 'ISSUED',
        issuedAt: at,
        dueAt,
        paid: { amount: 0, currency },
        outstanding: total,
        paidAt: null,
        creditNoteId: null,
        updatedAt: at,
      };
    }
    case 'payment.applied':
      if (state === null) return state;
      return {
        ...state,
        paid: add(state.paid, event.data.amount),
        outstanding: subtract(state.outstanding, event.data.amount),
        updatedAt: event.data.at,
      };
    case 'invoice.paid':
      return state === null ? state : { ...state, status: 'PAID', paidAt: event.data.at, updatedAt: event.data.at };
    case 'invoice.overdue':
      return state === null ? state : { ...state, status: 'OVERDUE', updatedAt: event.data.at };
    case 'invoice.cancelled':
      return state === null
        ? state
        : { ...state, status: 'CANCELLED', creditNoteId: event.data.creditNoteId, updatedAt: event.data.at };
    default:
      return assertNever(event);
  }
}
