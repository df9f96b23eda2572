import type { Money } from '../money.ts';
import type { InvoiceIssued } from './events.ts';

/** ISSUED -> PAID | OVERDUE | CANCELLED; OVERDUE -> PAID | CANCELLED. */
export type InvoiceStatus = 'ISSUED' | 'PAID' | 'OVERDUE' | 'CANCELLED';

/** What it was issued with (dueAt included), and what payments and credit notes did since. */
export type Invoice = Omit<InvoiceIssued['data'], 'at'> & {
  status: InvoiceStatus;
  issuedAt: string;
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
