// A customer's whole state — profile, balance, subscriptions, invoices, payments, usage — from the read
// model (now) or from reconstruct-state (as it was at a moment): both have the same shape.
import type { CustomerView, UsageRecord } from '../types.ts';
import { dateTime, minor, money, number } from '../format.ts';

const Status = ({ value }: { value: string }) => <span class={`status status-${value.toLowerCase()}`}>{value}</span>;

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
      <table class="grid" data-testid="subscriptions">
        <thead>
          <tr>
            <th scope="col">id</th>
            <th scope="col">plan</th>
            <th scope="col">status</th>
            <th scope="col">activated</th>
          </tr>
        </thead>
        <tbody>
          {subscriptions.map((s) => (
            <tr key={s.subscriptionId}>
              <td class="mono">{s.subscriptionId}</td>
              <td>{s.planId}</td>
              <td>
                <Status value={s.status} />
              </td>
              <td>{dateTime(s.activatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Invoices ({invoices.length})</h3>
      <table class="grid" data-testid="invoices">
        <thead>
          <tr>
            <th scope="col">id</th>
            <th scope="col">period</th>
            <th scope="col" class="num">
              total
            </th>
            <th scope="col" class="num">
              outstanding
            </th>
            <th scope="col">status</th>
          </tr>
        </thead>
        <tbody>
          {invoices.map((i) => (
            <tr key={i.invoiceId}>
              <td class="mono">{i.invoiceId}</td>
              <td>
                {i.period.from.slice(0, 10)} → {i.period.to.slice(0, 10)}
              </td>
              <td class="num">{money(i.total)}</td>
              <td class="num">{money(i.outstanding)}</td>
              <td>
                <Status value={i.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Payments ({payments.length})</h3>
      <table class="grid" data-testid="payments">
        <thead>
          <tr>
            <th scope="col">id</th>
            <th scope="col">method</th>
            <th scope="col" class="num">
              amount
            </th>
            <th scope="col">status</th>
          </tr>
        </thead>
        <tbody>
          {payments.map((p) => (
            <tr key={p.paymentId}>
              <td class="mono">{p.paymentId}</td>
              <td>{p.method}</td>
              <td class="num">{money(p.amount)}</td>
              <td>
                <Status value={p.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Usage</h3>
      {view.usage && (
        <table class="grid" data-testid="usage-summary">
          <thead>
            <tr>
              <th scope="col">subscription</th>
              <th scope="col" class="num">
                rated
              </th>
              <th scope="col" class="num">
                rejected
              </th>
              <th scope="col" class="num">
                rated amount
              </th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(view.usage).map(([id, u]) => (
              <tr key={id}>
                <td class="mono">{id}</td>
                <td class="num">{number(u.ratedRecords)}</td>
                <td class="num">{number(u.rejectedRecords)}</td>
                <td class="num">{money(u.ratedAmount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {usage && (
        <table class="grid" data-testid="usage-records">
          <thead>
            <tr>
              <th scope="col">record</th>
              <th scope="col">type</th>
              <th scope="col" class="num">
                quantity
              </th>
              <th scope="col">started</th>
              <th scope="col">status</th>
              <th scope="col" class="num">
                amount
              </th>
            </tr>
          </thead>
          <tbody>
            {usage.map((u) => (
              <tr key={u.recordId}>
                <td class="mono">{u.recordId}</td>
                <td>{u.usageType}</td>
                <td class="num">{number(u.quantity)}</td>
                <td>{dateTime(u.startedAt)}</td>
                <td>
                  <Status value={u.status} />
                </td>
                <td class="num">{money(u.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
