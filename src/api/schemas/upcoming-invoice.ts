import { Type } from 'typebox';
import { BillingPeriod, CurrencyCode, DateTime, Id, Money } from '../../events/schemas.ts';
import { EVENT_DATA_SCHEMAS } from '../../events/catalog.ts';

export const UpcomingInvoiceQuery = Type.Object(
  {
    periodFrom: Type.Optional(
      Type.String({
        format: 'date',
        pattern: '^\\d{4}-\\d{2}-(0[1-9]|1\\d|2[0-8])$',
        description: 'first day of the open period (day 1..28); default: the 1st of the current month (UTC)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const UpcomingInvoice = Type.Object(
  {
    invoiceId: { ...Id, description: 'the id the bill run will give this invoice' },
    customerId: Id,
    period: BillingPeriod,
    currency: CurrencyCode,
    lines: EVENT_DATA_SCHEMAS['invoice.issued'].properties.lines,
    total: Money,
    asOf: { ...DateTime, description: 'the time the preview was computed at (the test clock when enabled)' },
  },
  {
    title: 'UpcomingInvoice',
    description: 'what the customer owes so far in the open period; not stored, no event',
    examples: [
      {
        invoiceId: 'inv_cus_ada_2026-12-01',
        customerId: 'cus_ada',
        period: { from: '2026-12-01', to: '2027-01-01' },
        currency: 'EUR',
        lines: [
          {
            kind: 'recurring',
            subscriptionId: 'sub_ada',
            planId: 'basic',
            planVersion: 2,
            description: 'Basic monthly fee, 26/31 days',
            monthlyPrice: { amount: 1099, currency: 'EUR' },
            activeDays: 26,
            periodDays: 31,
            amount: { amount: 922, currency: 'EUR' },
          },
        ],
        total: { amount: 922, currency: 'EUR' },
        asOf: '2026-12-06T10:00:00.000Z',
      },
    ],
  },
);
