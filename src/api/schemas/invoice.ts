import { Type } from 'typebox';
import { DateRangeQuery, ListQuery } from './common.ts';
import { BillingPeriod, CurrencyCode, DateTime, Id, Money, Nullable } from '../../events/schemas.ts';
import { EVENT_DATA_SCHEMAS } from '../../events/catalog.ts';

export const InvoiceStatus = Type.Enum(['ISSUED', 'PAID', 'OVERDUE', 'CANCELLED'], { title: 'InvoiceStatus' });

const InvoiceLines = EVENT_DATA_SCHEMAS['invoice.issued'].properties.lines;

export const Invoice = Type.Object(
  {
    invoiceId: Id,
    customerId: Id,
    period: BillingPeriod,
    currency: CurrencyCode,
    lines: InvoiceLines,
    total: Money,
    status: InvoiceStatus,
    issuedAt: DateTime,
    dueAt: DateTime,
    paid: { ...Money, description: 'applied by payments so far; paid + outstanding = total' },
    outstanding: Money,
    paidAt: Nullable(DateTime),
    creditNoteId: Nullable(Type.String({ description: 'set when cancelled' })),
    updatedAt: DateTime,
  },
  { title: 'Invoice' },
);

export const InvoiceListQuery = Type.Object(
  {
    customerId: Type.Optional(Id),
    status: Type.Optional(InvoiceStatus),
    ...ListQuery,
    ...DateRangeQuery,
  },
  { additionalProperties: false },
);

export const CancelInvoiceBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
