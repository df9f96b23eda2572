// A customer's whole state — profile, balance, subscriptions, invoices, payments, usage — from the read
// model (now) or from reconstruct-state (as it was at a moment): both have the same shape.
import type { CustomerView, Invoice, Payment, Subscription, UsageRecord, UsageSummary } from '../types.ts';
import { DataTable, Status, type Column } from './grid.tsx';
import { dateTime, minor, money, number } from '../format.ts';

const SUBSCRIPTIONS: Column<Subscription>[] = [
  { label: 'id', class: 'mono', cell: (s) => s.subscriptionId },
  { label: 'plan', cell: (s) => s.planId },
  { label: 'status', cell: (s) => <Status value={s.status} /> },
  { label: 'activated', cell: (s) => dateTime(s.activatedAt) },
];
const INVOICES: Column<Invoice>[] = [
  { label: 'id', class: 'mono', cell: (i) => i.invoiceId },
  { label: 'period', cell: (i) => `${i.period.from.slice(0, 10)} → ${i.period.to.slice(0, 10)}` },
  { label: 'total', num: true, cell: (i) => money(i.total) },
  { label: 'outstanding', num: true, cell: (i) => money(i.outstanding) },
  { label: 'status', cell: (i) => <Status value={i.status} /> },
];
const PAYMENTS: Column<Payment>[] = [
  { label: 'id', class: 'mono', cell: (p) => p.paymentId },
  { label: 'method', cell: (p) => p.method },
  { label: 'amount', num: true, cell: (p) => money(p.amount) },
  { label: 'status', cell: (p) => <Status value={p.status} /> },
];
const USAGE_SUMMARY: Column<[string, UsageSummary]>[] = [
  { label: 'subscription', class: 'mono', cell: ([id]) => id },
  { label: 'rated', num: true, cell: ([, u]) => number(u.ratedRecords) },
  { label: 'rejected', num: true, cell: ([, u]) => number(u.rejectedRecords) },
  { label: 'rated amount', num: true, cell: ([, u]) => money(u.ratedAmount) },
];
const USAGE: Column<UsageRecord>[] = [
  { label: 'record', class: 'mono', cell: (u) => u.recordId },
  { label: 'type', cell: (u) => u.usageType },
  { label: 'quantity', num: true, cell: (u) => number(u.quantity) },
  { label: 'started', cell: (u) => dateTime(u.startedAt) },
  { label: 'status', cell: (u) => <Status value={u.status} /> },
  { label: 'amount', num: true, cell: (u) => money(u.amount) },
];

export function StateView({ view, usage, label }: { view: CustomerView; usage?: UsageRecord[]; label: string }) {
  const c = view.customer;
  const b = view.balance;
  const subscriptions = Object.values(view.subscriptions);
  const invoices = Object.values(view.invoices);
  const payments = Object.values(view.payments);
  return (
    <div class="state" data-testid={`state-${label}`}>
      <div class="cards">
        <section class="card" aria-label={`Profile (${label})`}>
          <h3>Profile</h3>
          {c ? (
            <dl>
              <dt>Name</dt>
              <dd data-testid="profile-name">
                {c.firstName} {c.lastName}
              </dd>
              <dt>Email</dt>
              <dd data-testid="profile-email">{c.email}</dd>
              <dt>Status</dt>
              <dd data-testid="profile-status">
                <Status value={c.status} />
              </dd>
              <dt>Customer since</dt>
              <dd>{dateTime(c.createdAt)}</dd>
            </dl>
          ) : (
            <p class="muted" data-testid="profile-none">
              The customer did not exist yet.
            </p>
          )}
        </section>
        <section class="card" aria-label={`Balance (${label})`}>
          <h3>Balance</h3>
          <p class="big" data-testid="balance" data-minor={b.balance}>
            {minor(b.balance, b.currency)}
          </p>
          <dl>
            <dt>Invoiced</dt>
            <dd>{minor(b.invoiced, b.currency)}</dd>
            <dt>Paid</dt>
            <dd>{minor(b.paid, b.currency)}</dd>
            <dt>Refunded</dt>
            <dd>{minor(b.refunded, b.currency)}</dd>
            <dt>Credit</dt>
            <dd>{minor(b.credit, b.currency)}</dd>
          </dl>
        </section>
      </div>
      <h3>Subscriptions ({subscriptions.length})</h3>
      <DataTable testId="subscriptions" columns={SUBSCRIPTIONS} rows={subscriptions} rowKey={(s) => s.subscriptionId} />
      <h3>Invoices ({invoices.length})</h3>
      <DataTable testId="invoices" columns={INVOICES} rows={invoices} rowKey={(i) => i.invoiceId} />
      <h3>Payments ({payments.length})</h3>
      <DataTable testId="payments" columns={PAYMENTS} rows={payments} rowKey={(p) => p.paymentId} />
      <h3>Usage</h3>
      {view.usage && (
        <DataTable
          testId="usage-summary"
          columns={USAGE_SUMMARY}
          rows={Object.entries(view.usage)}
          rowKey={([id]) => id}
        />
      )}
      {usage && <DataTable testId="usage-records" columns={USAGE} rows={usage} rowKey={(u) => u.recordId} />}
    </div>
  );
}
