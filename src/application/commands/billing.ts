// One transaction per customer, so a failure never undoes the rest; invoice ids derive from (customer, period),
// so a re-run skips them. Paged by id: memory holds one page and one customer's usage.
import { randomUUID } from 'node:crypto';
import { invalid, invoice, MS_PER_DAY, toMillis } from '../../domain/index.ts';
import type { CurrencyCode, CustomerBalance, Money, subscription, usage } from '../../domain/index.ts';
import type { Catalog } from '../../domain/catalog/plan.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { BssError, type ErrorCode } from '../../errors.ts';
import type { CommandBus } from './command-bus.ts';
import { derivedId } from './derived-id.ts';
import type { Clock } from '../clock.ts';

export interface BillRunInput {
  readonly period: invoice.BillingPeriod;
  readonly dueInDays?: number;
  /** Default 1000; continue with `resumeAfter`. */
  readonly maxCustomers?: number;
  readonly resumeAfter?: string;
}

export interface BillRunFailure {
  readonly customerId: string;
  readonly code: ErrorCode;
  readonly message: string;
}

export interface BillRunSummary {
  readonly runId: string;
  readonly period: invoice.BillingPeriod;
  readonly issuedAt: string;
  readonly dueAt: string;
  readonly customers: number;
  readonly invoices: number;
  readonly skipped: number;
  readonly nothingToBill: number;
  /** One entry per currency. */
  readonly totals: Money[];
  readonly failures: BillRunFailure[];
  /** null when every customer has been looked at. */
  readonly resumeAfter: string | null;
  readonly invoiceIds: string[];
}

export interface BillingCommands {
  run(input: BillRunInput): Promise<BillRunSummary>;
}

export const DEFAULT_DUE_IN_DAYS = 14;
export const MAX_DUE_IN_DAYS = 365;
export const DEFAULT_MAX_CUSTOMERS = 1000;
export const MAX_CUSTOMERS = 10_000;
const PAGE_SIZE = 100;

export const invoiceIdFor = (customerId: string, from: string): string => derivedId('inv', customerId, from);

type Outcome = { kind: 'issued'; total: Money } | { kind: 'skipped' } | { kind: 'empty' };

interface BillingDeps {
  readonly bus: CommandBus;
  readonly db: Db;
  readonly catalog: Catalog;
}

export function billingCommands(bus: CommandBus, db: Db, clock: Clock, catalog: Catalog): BillingCommands {
  const deps = { bus, db, catalog };
  return {
    async run(input) {
      const { period } = input;
      const { issuedAt, dueAt, maxCustomers } = runTerms(input, clock);
      const counts = { customers: 0, invoices: 0, skipped: 0, nothingToBill: 0 };
      const totals = new Map<CurrencyCode, number>();
      const failures: BillRunFailure[] = [];
      const invoiceIds: string[] = [];
      let after = input.resumeAfter ?? '';
      let resumeAfter: string | null = null;
      for (;;) {
        const page = await activeCustomers(db, period, after, PAGE_SIZE + 1);
        const batch = page.slice(0, Math.min(PAGE_SIZE, maxCustomers - counts.customers));
        const billed = await alreadyBilled(
          db,
          batch.map((c) => invoiceIdFor(c.customerId, period.from)),
        );
        for (const { customerId, subscriptionIds } of batch) {
          counts.customers++;
          after = customerId;
          if (billed.has(invoiceIdFor(customerId, period.from))) {
            counts.skipped++;
            continue;
          }
          try {
            const outcome = await billCustomer(deps, customerId, subscriptionIds, period, issuedAt, dueAt);
            if (outcome.kind === 'skipped') counts.skipped++;
            else if (outcome.kind === 'empty') counts.nothingToBill++;
            else {
              counts.invoices++;
              invoiceIds.push(invoiceIdFor(customerId, period.from));
              totals.set(outcome.total.currency, (totals.get(outcome.total.currency) ?? 0) + outcome.total.amount);
            }
          } catch (error) {
            // A refused customer is reported; anything else stops the run (re-running is safe).
            if (!(error instanceof BssError) || error.status >= 500) throw error;
            failures.push({ customerId, code: error.code, message: error.message });
          }
        }
        if (page.length <= batch.length) break;
        if (counts.customers >= maxCustomers) {
          resumeAfter = after;
          break;
        }
      }
      const summary: BillRunSummary = {
        runId: `run_${randomUUID()}`,
        period: { from: period.from, to: period.to },
        issuedAt,
        dueAt,
        ...counts,
        totals: [...totals].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currency, amount]) => ({ amount, currency })),
        failures,
        resumeAfter,
        invoiceIds,
      };
      await recordBillRun(db, summary);
      return summary;
    },
  };
}

function runTerms(input: BillRunInput, clock: Clock) {
  const { period } = input;
  const days = invoice.requirePeriod(period);
  const dueInDays = input.dueInDays ?? DEFAULT_DUE_IN_DAYS;
  if (!Number.isInteger(dueInDays) || dueInDays < 0 || dueInDays > MAX_DUE_IN_DAYS) {
    throw invalid('INVALID_DUE_DATE', `dueInDays must be an integer 0..${MAX_DUE_IN_DAYS}`, 'dueInDays');
  }
  const maxCustomers = input.maxCustomers ?? DEFAULT_MAX_CUSTOMERS;
  if (!Number.isInteger(maxCustomers) || maxCustomers < 1 || maxCustomers > MAX_CUSTOMERS) {
    throw invalid('INVALID_LIMIT', `maxCustomers must be an integer 1..${MAX_CUSTOMERS}`, 'maxCustomers');
  }
  const issuedAt = clock();
  // Checked once: 409 instead of n failures.
  if (toMillis(issuedAt) < days.toDay * MS_PER_DAY) {
    throw invoice.periodNotEnded(period);
  }
  const dueAt = new Date(toMillis(issuedAt) + dueInDays * MS_PER_DAY).toISOString();
  return { issuedAt, dueAt, maxCustomers };
}

async function billCustomer(
  { bus, db, catalog }: BillingDeps,
  customerId: string,
  subscriptionIds: readonly string[],
  period: invoice.BillingPeriod,
  issuedAt: string,
  dueAt: string,
): Promise<Outcome> {
  // Rated usage never changes once recorded: read before the transaction, unlocked.
  const ratedUsage = await ratedUsageOf(db, customerId, period);
  const invoiceId = invoiceIdFor(customerId, period.from);
  const { result } = await bus.run<Outcome>(async (uow) => {
    // A concurrent run inserting the same invoice fails on the primary key and is retried here.
    if ((await uow.load('invoice', invoiceId)).state !== null) return { events: [], result: { kind: 'skipped' } };
    const subscriptions = await uow.loadMany<subscription.Subscription>('subscription', subscriptionIds, 'share');
    const currency = (await uow.load<CustomerBalance>('balance', customerId)).state?.currency ?? null;
    const events = invoice.billCustomer({
      customerId,
      period,
      subscriptions: [...subscriptions.values()].flatMap((row) => (row.state ? [row.state] : [])),
      ratedUsage,
      catalog,
      invoiceId,
      issuedAt,
      dueAt,
      currency: requireAccountCurrency(customerId, currency),
    });
    const issued = events.find((e) => e.type === 'invoice.issued');
    return { events, result: issued ? { kind: 'issued', total: issued.data.total } : { kind: 'empty' } };
  });
  return result;
}

export function requireAccountCurrency(customerId: string, currency: CurrencyCode | null): CurrencyCode {
  if (currency !== null) return currency;
  throw new BssError('NO_ACCOUNT_CURRENCY', `customer ${customerId} has no account currency`, { status: 409 });
}

const dayStart = (date: string) => `${date}T00:00:00Z`;

const ACTIVE_IN_PERIOD = `(state->>'activatedAt')::timestamptz < $3::timestamptz
  AND (state->>'cancelledAt' IS NULL OR (state->>'cancelledAt')::timestamptz >= $2::timestamptz)`;

async function activeCustomers(db: Db, period: invoice.BillingPeriod, after: string, limit: number) {
  const { rows } = await db.query<{ customer_id: string; ids: string[] }>(
    `SELECT customer_id, array_agg(id ORDER BY id) AS ids FROM subscriptions
     WHERE customer_id > $1 AND ${ACTIVE_IN_PERIOD}
     GROUP BY customer_id ORDER BY customer_id LIMIT $4`,
    [after, dayStart(period.from), dayStart(period.to), limit],
  );
  return rows.map((row) => ({ customerId: row.customer_id, subscriptionIds: row.ids }));
}

async function alreadyBilled(db: Db, invoiceIds: readonly string[]): Promise<Set<string>> {
  if (invoiceIds.length === 0) return new Set();
  const { rows } = await db.query<{ id: string }>('SELECT id FROM invoices WHERE id = ANY($1::text[])', [invoiceIds]);
  return new Set(rows.map((row) => row.id));
}

export async function subscriptionsInPeriod(db: Db, customerId: string, period: invoice.BillingPeriod) {
  const { rows } = await db.query<{ state: subscription.Subscription }>(
    `SELECT state FROM subscriptions WHERE customer_id = $1 AND ${ACTIVE_IN_PERIOD} ORDER BY id`,
    [customerId, dayStart(period.from), dayStart(period.to)],
  );
  return rows.map((row) => row.state);
}

export async function ratedUsageOf(db: Db, customerId: string, period: invoice.BillingPeriod) {
  const { rows } = await db.query<{ state: usage.UsageRecord }>(
    `SELECT state FROM usage_records
     WHERE customer_id = $1 AND started_at >= $2::timestamptz AND started_at < $3::timestamptz AND status = 'RATED'
     ORDER BY started_at, id`,
    [customerId, dayStart(period.from), dayStart(period.to)],
  );
  return rows.flatMap((row) => (row.state.status === 'RATED' ? [row.state] : []));
}

export async function recordBillRun(db: Queryable, summary: BillRunSummary): Promise<void> {
  await db.query('INSERT INTO billing_runs (id, period_from, summary, created_at) VALUES ($1, $2, $3, $4)', [
    summary.runId,
    summary.period.from,
    JSON.stringify(summary),
    summary.issuedAt,
  ]);
}
