import type { Money } from '../money.ts';
import type { InvoiceIssued } from './events.ts';

/** ISSUED -> PAID | OVERDUE | CANCELLED; OVERDUE -> PAID | CANCELLED. */
export type InvoiceStatus = 'ISSUED' | 'PAID' | 'OVERDUE' | 'CANCELLED';

export type Invoice = Omit<InvoiceIssued['data'], 'at'> & {
  status: InvoiceStatus;
  issuedAt: string;
  /** paid + outstanding = total. */
  paid: Money;
  outstanding: Money;
  paidAt: string | null;
  creditNoteId: string | null;
  updatedAt: string;
};

export type InvoiceState = Invoice | null;

export const initialState: InvoiceState = null;

export function isOpen(invoice: Invoice): boolean {
  return (invoice.status === 'ISSUED' || invoice.status === 'OVERDUE') && invoice.outstanding.amount > 0;
}
