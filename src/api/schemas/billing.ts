import { Type } from 'typebox';
import { DateTime, Id, Money } from '../../events/schemas.ts';
import { DateRangeQuery, ErrorCodeSchema, ListQuery } from './common.ts';
import { MAX_CUSTOMERS, MAX_DUE_IN_DAYS } from '../../application/commands/billing.ts';

const Day = Type.String({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (UTC)' });

// `to` being the same day next month is the domain's check (422 INVALID_PERIOD).
const Period = Type.Object(
  {
    from: { ...Day, pattern: '^\\d{4}-\\d{2}-(0[1-9]|1\\d|2[0-8])$', description: 'day 1..28 of a month (UTC)' },
    to: { ...Day, description: 'exclusive: the same day of the next month' },
  },
  {
    additionalProperties: false,
    description: 'one month, half-open [from, to)',
    examples: [{ from: '2026-11-01', to: '2026-12-01' }],
  },
);

export const BillRunBody = Type.Object(
  {
    period: Period,
    dueInDays: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_DUE_IN_DAYS, default: 14 })),
    maxCustomers: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_CUSTOMERS, default: 1000, description: 'customers in this call' }),
    ),
    resumeAfter: Type.Optional({ ...Id, description: 'resumeAfter of the previous call, to continue the run' }),
  },
  { additionalProperties: false },
);

export const BillRunSummary = Type.Object(
  {
    runId: Type.String(),
    period: Type.Object({ from: Type.String(), to: Type.String() }),
    issuedAt: DateTime,
    dueAt: DateTime,
    customers: Type.Integer({ description: 'customers looked at by this call' }),
    invoices: Type.Integer({ description: 'invoices issued by this call' }),
    skipped: Type.Integer({ description: 'customers already billed for the period' }),
    nothingToBill: Type.Integer(),
    totals: Type.Array(Money, { description: 'sum of the invoices issued, per currency' }),
    failures: Type.Array(Type.Object({ customerId: Id, code: ErrorCodeSchema, message: Type.String() })),
    resumeAfter: Type.Union([Type.String(), Type.Null()], {
      description: 'null when the run is complete; otherwise send it back to continue',
    }),
    invoiceIds: Type.Array(Id, { description: 'the invoices issued by this call' }),
  },
  { title: 'BillRun' },
);

export const BillRunListQuery = Type.Object(
  {
    periodFrom: Type.Optional({
      ...Day,
      examples: ['2026-11-01'],
      description: 'only runs of the period starting on this day',
    }),
    ...ListQuery,
    createdFrom: DateRangeQuery.createdFrom,
    createdTo: DateRangeQuery.createdTo,
  },
  { additionalProperties: false },
);

export const BillRunParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 100, examples: ['run_5b0f7c1e-8d1a-4c57-9a39-0e6f2b8f7a10'] }) },
  { additionalProperties: false },
);
