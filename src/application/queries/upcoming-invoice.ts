// Priced by the bill run's own draftInvoice over the same inputs; nothing stored, no event written.
import { invoice, MS_PER_DAY, missing, toMillis, type CurrencyCode, type Money } from '../../domain/index.ts';
import type { CustomerBalance } from '../../domain/index.ts';
import type { Catalog } from '../../domain/catalog/plan.ts';
import type { Db } from '../../store/db.ts';
import { BssError } from '../../errors.ts';
import type { Clock } from '../clock.ts';
import { getRow } from './read-model-queries.ts';
import { invoiceIdFor, ratedUsageOf, requireAccountCurrency, subscriptionsInPeriod } from '../commands/billing.ts';

export interface UpcomingInvoice {
  readonly invoiceId: string;
  readonly customerId: string;
  readonly period: invoice.BillingPeriod;
  readonly currency: CurrencyCode;
  readonly lines: invoice.InvoiceLine[];
  readonly total: Money;
  /** The application clock, so the test clock too. */
  readonly asOf: string;
}

export interface UpcomingInvoiceQuery {
  upcoming(customerId: string, periodFrom?: string): Promise<UpcomingInvoice>;
}

export function openPeriod(now: string, from?: string): invoice.BillingPeriod {
  const start = from ?? `${now.slice(0, 7)}-01`;
  const day = new Date(`${start}T00:00:00Z`);
  const to = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()));
  const period = { from: start, to: to.toISOString().slice(0, 10) };
  const days = invoice.requirePeriod(period, 'periodFrom');
  const nowMs = toMillis(now);
  if (nowMs < days.fromDay * MS_PER_DAY || nowMs >= days.toDay * MS_PER_DAY) {
    throw new BssError(
      'PERIOD_NOT_OPEN',
      `the period ${period.from}..${period.to} does not contain the current time ${now}; the upcoming ` +
        'invoice covers the open period only (an ended one is billed with POST /api/v1/billing/runs)',
      { status: 409 },
    );
  }
  return period;
}

export async function upcomingInvoice(
  db: Db,
  clock: Clock,
  catalog: Catalog,
  customerId: string,
  periodFrom?: string,
): Promise<UpcomingInvoice> {
  const asOf = clock();
  const period = openPeriod(asOf, periodFrom);
  if (!(await getRow(db, 'customer', customerId))) {
    throw missing('CUSTOMER_NOT_FOUND', `customer ${customerId} does not exist`, 'id');
  }
  const subscriptions = await subscriptionsInPeriod(db, customerId, period);
  const ratedUsage = await ratedUsageOf(db, customerId, period);
  const balance = await getRow<CustomerBalance>(db, 'balance', customerId);
  const currency = balance?.state.currency ?? null;
  if (subscriptions.length === 0 && ratedUsage.length === 0) throw nothingUpcoming(customerId, period);
  const draft = invoice.draftInvoice({
    customerId,
    period,
    subscriptions,
    ratedUsage,
    catalog,
    currency: requireAccountCurrency(customerId, currency),
  });
  if (draft.lines.length === 0) throw nothingUpcoming(customerId, period);
  const invoiceId = invoiceIdFor(customerId, period.from);
  return { invoiceId, customerId, period, currency: draft.total.currency, ...draft, asOf };
}

function nothingUpcoming(customerId: string, period: invoice.BillingPeriod): BssError {
  return new BssError(
    'NO_UPCOMING_INVOICE',
    `customer ${customerId} has nothing to bill in ${period.from}..${period.to}: no subscription is active ` +
      'in it and no usage was rated, so the bill run will issue no invoice',
    { status: 404 },
  );
}
