// More than the invoice's outstanding amount is refused, not left as credit: naming an invoice pays only it.
import type { InvoiceState } from '../invoice/state.ts';
import { type Money } from '../money.ts';
import { conflict, invalid, missing } from '../rejection.ts';
import { requireText } from '../validate.ts';
import { allocate } from './allocate.ts';
import type { PaymentContext } from './context.ts';
import { decide, type PaymentDecision } from './decide.ts';
import type { PaymentMethod } from './events.ts';
import type { PaymentState } from './state.ts';

export type PayInvoice = {
  type: 'PayInvoice';
  paymentId: string;
  invoiceId: string;
  amount?: Money;
  method: PaymentMethod;
  reference?: string;
  at: string;
};

export function payInvoice(
  command: PayInvoice,
  state: PaymentState,
  invoice: InvoiceState,
  context: Omit<PaymentContext, 'invoices'>,
): PaymentDecision[] {
  const invoiceId = requireText(command.invoiceId, 'invoiceId');
  if (invoice === null) throw missing('INVOICE_NOT_FOUND', `invoice ${invoiceId} does not exist`, 'invoiceId');
  if (invoice.status === 'PAID' || invoice.status === 'CANCELLED' || invoice.outstanding.amount === 0) {
    throw conflict('INVOICE_NOT_OPEN', `invoice ${invoiceId} is ${invoice.status}; nothing is left to pay`, {
      status: invoice.status,
    });
  }
  const amount = command.amount ?? invoice.outstanding;
  if (amount.currency !== invoice.currency) {
    throw invalid('CURRENCY_MISMATCH', `invoice ${invoiceId} is in ${invoice.currency}`, 'amount.currency', {
      expected: invoice.currency,
      actual: amount.currency,
    });
  }
  if (amount.amount > invoice.outstanding.amount) {
    throw invalid(
      'AMOUNT_EXCEEDS_OUTSTANDING',
      `invoice ${invoiceId} has ${invoice.outstanding.amount} open; pay at most that`,
      'amount',
      { outstanding: invoice.outstanding },
    );
  }
  const { paymentId, method, reference, at } = command;
  const customerId = invoice.customerId;
  const authorized = decide(
    { type: 'CreatePayment', paymentId, customerId, amount, method, ...(reference ? { reference } : {}), at },
    state,
    { ...context, invoices: [] },
  );
  return [
    ...authorized,
    { type: 'payment.captured', data: { paymentId, customerId, amount, at } },
    ...allocate({ paymentId, customerId }, amount, [invoice], at),
  ];
}
