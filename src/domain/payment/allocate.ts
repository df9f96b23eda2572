// Oldest invoice first (issue time, then id, for a stable order); what is left stays on the payment as credit.

import type { InvoicePaid } from '../invoice/events.ts';
import { isOpen, type Invoice } from '../invoice/state.ts';
import { min, subtract, type Money } from '../money.ts';
import { invalid } from '../rejection.ts';
import { toMillis } from '../time.ts';
import type { PaymentApplied } from './events.ts';

export type Allocation = PaymentApplied | InvoicePaid;

export function allocate(
  payment: { paymentId: string; customerId: string },
  available: Money,
  invoices: readonly Invoice[],
  at: string,
): Allocation[] {
  const { paymentId, customerId } = payment;
  const atMs = toMillis(at);
  const open = invoices
    .filter((invoice) => {
      if (invoice.customerId !== customerId) {
        throw invalid('CUSTOMER_MISMATCH', `invoice ${invoice.invoiceId} belongs to ${invoice.customerId}`, 'invoices');
      }
      // An invoice issued after this command's time cannot have been paid by it.
      return isOpen(invoice) && toMillis(invoice.issuedAt) <= atMs;
    })
    .sort(
      (a, b) =>
        toMillis(a.issuedAt) - toMillis(b.issuedAt) ||
        (a.invoiceId < b.invoiceId ? -1 : a.invoiceId > b.invoiceId ? 1 : 0),
    );

  const events: Allocation[] = [];
  let remaining = available;
  for (const invoice of open) {
    if (remaining.amount <= 0) break;
    if (invoice.currency !== available.currency) {
      throw invalid('CURRENCY_MISMATCH', `invoice ${invoice.invoiceId} is in ${invoice.currency}`, 'invoices', {
        expected: available.currency,
        actual: invoice.currency,
      });
    }
    const amount = min(remaining, invoice.outstanding);
    events.push({ type: 'payment.applied', data: { paymentId, customerId, invoiceId: invoice.invoiceId, amount, at } });
    if (amount.amount === invoice.outstanding.amount) {
      events.push({
        type: 'invoice.paid',
        data: { invoiceId: invoice.invoiceId, customerId, paymentId, total: invoice.total, at },
      });
    }
    remaining = subtract(remaining, amount);
  }
  return events;
}
