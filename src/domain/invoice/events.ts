import type { DomainEventOf } from '../event.ts';
import type { CurrencyCode, Money } from '../money.ts';
import type { InvoiceLine } from './lines.ts';
import type { BillingPeriod } from './period.ts';

export type InvoiceIssued = DomainEventOf<
  'invoice.issued',
  {
    invoiceId: string;
    customerId: string;
    period: BillingPeriod;
    currency: CurrencyCode;
    lines: InvoiceLine[];
    total: Money;
    dueAt: string;
    at: string;
  }
>;

/** `paymentId` is the payment that settled it (null for a zero invoice). */
export type InvoicePaid = DomainEventOf<
  'invoice.paid',
  { invoiceId: string; customerId: string; paymentId: string | null; total: Money; at: string }
>;

export type InvoiceOverdue = DomainEventOf<
  'invoice.overdue',
  { invoiceId: string; customerId: string; dueAt: string; outstanding: Money; at: string }
>;

export type InvoiceCancelled = DomainEventOf<
  'invoice.cancelled',
  { invoiceId: string; customerId: string; creditNoteId: string; amount: Money; reason: string; at: string }
>;

export type InvoiceEvent = InvoiceIssued | InvoicePaid | InvoiceOverdue | InvoiceCancelled;
