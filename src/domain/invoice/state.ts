import type { CurrencyCode, Money } from '../money.ts';
import type { InvoiceLine } from './lines.ts';
import type { BillingPeriod } from './period.ts';

/** ISSUED -> PAID | OVERDUE | CANCELLED; OVERDUE -> PAID | CANCELLED. */
export type InvoiceStatus = 'ISSUED' | 'PAID' | 'OVERDUE' | 'CANCELLED';

export type Invoice = {
  invoiceId: string;
  customerId: string;
  period: BillingPeriod;
  currency: CurrencyCode;
  lines: InvoiceLine[];
  total: Money;
  status: InvoiceStatus;
  issuedAt: string;
  dueAt: string;
  /** Money applied by payments so far, and what remains: paid + outstanding = total. */
  paid: Money;
  outstanding: Money;
  paidAt: string | null;
  creditNoteId: string | null;
  updatedAt: string;
};

export type InvoiceState = Invoice | null;

export const initialState: InvoiceState = null;

/** Open = still expecting money. */
export function isOpen(invoice: Invoice): boolean {
  return (invoice.status === 'ISSUED' || invoice.status === 'OVERDUE') && invoice.outstanding.amount > 0;
}
