// Pure: charges in arrears (pro-rated fee, usage started in the period); a zero total is issued and paid at once.

import type { Catalog } from '../catalog/plan.ts';
import { findPlan } from '../catalog/plan-version-at.ts';
import { add, requireCurrency, sum, type CurrencyCode, type Money } from '../money.ts';
import { conflict, invalid } from '../rejection.ts';
import type { Subscription } from '../subscription/state.ts';
import { MS_PER_DAY, requireDateTime, toMillis } from '../time.ts';
import type { UsageRatedData } from '../usage/events.ts';
import { USAGE_UNITS, type UsageType } from '../usage/usage-type.ts';
import { requireText } from '../validate.ts';
import type { InvoiceIssued, InvoicePaid } from './events.ts';
import type { InvoiceLine, RecurringLine, UsageLine } from './lines.ts';
import { requirePeriod, type BillingPeriod, type PeriodDays } from './period.ts';
import { recurringLines } from './pro-rating.ts';

export type BillCustomerInput = {
  customerId: string;
  period: BillingPeriod;
  subscriptions: readonly Subscription[];
  ratedUsage: readonly UsageRatedData[];
  catalog: Catalog;
  invoiceId: string;
  issuedAt: string;
  dueAt: string;
  currency: CurrencyCode;
};

export type InvoiceDraftInput = Omit<BillCustomerInput, 'invoiceId' | 'issuedAt' | 'dueAt'>;
export type InvoiceDraft = { lines: InvoiceLine[]; total: Money };

export function draftInvoice(input: InvoiceDraftInput): InvoiceDraft {
  const customerId = requireText(input.customerId, 'customerId');
  const currency = requireCurrency(input.currency);
  const period = requirePeriod(input.period);
  const lines: InvoiceLine[] = [
    ...bySubscriptionId(input.subscriptions).flatMap((s) =>
      subscriptionLines(s, input.catalog, period, customerId, currency),
    ),
    ...usageLines(input.ratedUsage, period, customerId, currency),
  ];
  const total = sum(
    lines.map((line) => line.amount),
    currency,
  );
  return { lines, total };
}

export function billCustomer(input: BillCustomerInput): (InvoiceIssued | InvoicePaid)[] {
  const customerId = requireText(input.customerId, 'customerId');
  const invoiceId = requireText(input.invoiceId, 'invoiceId');
  const currency = requireCurrency(input.currency);
  const period = requirePeriod(input.period);
  const issuedAtMs = requireDateTime(input.issuedAt, 'issuedAt');
  if (requireDateTime(input.dueAt, 'dueAt') < issuedAtMs) {
    throw invalid('INVALID_DUE_DATE', 'dueAt must not be before issuedAt', 'dueAt');
  }
  if (issuedAtMs < period.toDay * MS_PER_DAY) throw periodNotEnded(input.period);

  const { lines, total } = draftInvoice(input);
  if (lines.length === 0) return [];
  const at = input.issuedAt;
  const issued: InvoiceIssued = {
    type: 'invoice.issued',
    data: { invoiceId, customerId, period: { ...input.period }, currency, lines, total, dueAt: input.dueAt, at },
  };
  if (total.amount !== 0) return [issued];
  return [issued, { type: 'invoice.paid', data: { invoiceId, customerId, paymentId: null, total, at } }];
}

export function periodNotEnded(period: BillingPeriod) {
  return conflict(
    'PERIOD_NOT_ENDED',
    `the period ends on ${period.to}; bill it after that. To see what a customer owes so far, ` +
      'GET /api/v1/customers/{id}/invoices/upcoming; to bill now in a test, start the service with ' +
      'BSS_TEST_CLOCK=now and move time with PUT /api/v1/test-clock (see README, "Test clock")',
    { period },
  );
}

function subscriptionLines(
  subscription: Subscription,
  catalog: Catalog,
  period: PeriodDays,
  customerId: string,
  currency: CurrencyCode,
): RecurringLine[] {
  requireSameCustomer(subscription.customerId, customerId, 'subscriptions');
  const plan = findPlan(catalog, subscription.planId);
  if (plan === undefined) {
    throw invalid(
      'UNKNOWN_PLAN',
      `subscription ${subscription.subscriptionId} has unknown plan ${subscription.planId}`,
      'subscriptions',
    );
  }
  const lines = recurringLines(subscription, plan, period);
  for (const line of lines) requireCurrencyOf(line.amount, currency, 'subscriptions');
  return lines;
}

const USAGE_ORDER: readonly UsageType[] = ['voice', 'sms', 'data'];
const USAGE_LABEL: Record<UsageType, string> = { voice: 'Voice', sms: 'SMS', data: 'Data' };

function usageLines(
  records: readonly UsageRatedData[],
  period: PeriodDays,
  customerId: string,
  currency: CurrencyCode,
): UsageLine[] {
  const fromMs = period.fromDay * MS_PER_DAY;
  const toMs = period.toDay * MS_PER_DAY;
  const seen = new Set<string>();
  const groups = new Map<string, UsageLine>();
  for (const record of records) {
    requireSameCustomer(record.customerId, customerId, 'ratedUsage');
    if (seen.has(record.recordId)) {
      throw invalid('DUPLICATE_ID', `usage record ${record.recordId} given twice`, 'ratedUsage');
    }
    seen.add(record.recordId);
    const startedAtMs = toMillis(record.startedAt);
    if (startedAtMs < fromMs || startedAtMs >= toMs) continue;
    requireCurrencyOf(record.amount, currency, 'ratedUsage');
    const key = `${record.subscriptionId}\u0000${record.usageType}`;
    const line = groups.get(key) ?? emptyUsageLine(record, currency);
    groups.set(key, {
      ...line,
      records: line.records + 1,
      quantity: line.quantity + record.quantity,
      amount: add(line.amount, record.amount),
    });
  }
  return [...groups.values()]
    .map((line) => ({ ...line, description: describeUsage(line) }))
    .sort(
      // Code-unit order, not localeCompare: the result must not depend on the host's locale.
      (a, b) =>
        compareText(a.subscriptionId, b.subscriptionId) ||
        USAGE_ORDER.indexOf(a.usageType) - USAGE_ORDER.indexOf(b.usageType),
    );
}

/** Line order must not depend on the order the caller loaded rows in. */
function bySubscriptionId(subscriptions: readonly Subscription[]): Subscription[] {
  const sorted = [...subscriptions].sort((a, b) => compareText(a.subscriptionId, b.subscriptionId));
  sorted.forEach((s, i) => {
    if (i > 0 && sorted[i - 1]!.subscriptionId === s.subscriptionId) {
      throw invalid('DUPLICATE_ID', `subscription ${s.subscriptionId} given twice`, 'subscriptions');
    }
  });
  return sorted;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function emptyUsageLine(record: UsageRatedData, currency: CurrencyCode): UsageLine {
  return {
    kind: 'usage',
    subscriptionId: record.subscriptionId,
    usageType: record.usageType,
    description: '',
    records: 0,
    quantity: 0,
    unit: USAGE_UNITS[record.usageType],
    amount: { amount: 0, currency },
  };
}

function describeUsage(line: UsageLine): string {
  return `${USAGE_LABEL[line.usageType]}: ${line.records} records, ${line.quantity} ${line.unit}s`;
}

function requireSameCustomer(actual: string, customerId: string, field: string): void {
  if (actual !== customerId) {
    throw invalid('CUSTOMER_MISMATCH', `${field} holds data of customer ${actual}, not ${customerId}`, field);
  }
}

function requireCurrencyOf(amount: Money, currency: CurrencyCode, field: string): void {
  if (amount.currency !== currency) {
    throw invalid('CURRENCY_MISMATCH', `${field} is priced in ${amount.currency}, the invoice in ${currency}`, field, {
      expected: currency,
      actual: amount.currency,
    });
  }
}
