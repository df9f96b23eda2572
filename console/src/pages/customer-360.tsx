// Customer 360: the whole state now (read model, any role) and, for admins, as it was at any moment
// (POST /event-replay/reconstruct-state) and the diff between two moments with the events behind it.
import { useEffect, useState } from 'preact/hooks';
import { Link, useSearch } from 'wouter-preact';
import { api, can, query, type ApiError } from '../api.ts';
import { useSession } from '../session.tsx';
import { StateView } from '../components/state-view.tsx';
import type { Money } from '../format.ts';
import { TimeTravel } from '../components/time-travel.tsx';
import { ErrorNote } from '../components/fields.tsx';
import type { Balance, Customer, CustomerView, Invoice, Page, Payment, Subscription, UsageRecord } from '../types.ts';

interface Now {
  readonly view: CustomerView;
  readonly usage: UsageRecord[];
}

const byId = <T,>(items: T[], id: (item: T) => string) => Object.fromEntries(items.map((item) => [id(item), item]));

/** GET /balance answers Money objects; the state view (as reconstruct-state) holds minor units. */
interface BalanceMoney {
  currency: string | null;
  invoiced: Money;
  paid: Money;
  refunded: Money;
  credit: Money;
  balance: Money;
}
const minorUnits = (b: BalanceMoney): Balance => ({
  currency: b.currency,
  invoiced: b.invoiced.amount,
  paid: b.paid.amount,
  refunded: b.refunded.amount,
  credit: b.credit.amount,
  balance: b.balance.amount,
});

async function loadNow(id: string): Promise<Now> {
  const q = query({ customerId: id, limit: 200 });
  const [customer, balance, subscriptions, invoices, payments, usage] = await Promise.all([
    api<Customer>(`/customers/${encodeURIComponent(id)}`),
    api<BalanceMoney>(`/customers/${encodeURIComponent(id)}/balance`),
    api<Page<Subscription>>(`/subscriptions?${q}`),
    api<Page<Invoice>>(`/invoices?${q}`),
    api<Page<Payment>>(`/payments?${q}`),
    api<Page<UsageRecord>>(`/usage?${query({ customerId: id, limit: 20 })}`),
  ]);
  return {
    view: {
      customerId: id,
      customer,
      balance: minorUnits(balance),
      subscriptions: byId(subscriptions.items, (s) => s.subscriptionId),
      invoices: byId(invoices.items, (i) => i.invoiceId),
      payments: byId(payments.items, (p) => p.paymentId),
    },
    usage: usage.items,
  };
}

export function Customer360({ id }: { id: string }) {
  const { me } = useSession();
  const linkedAt = Number(new URLSearchParams(useSearch()).get('at') ?? NaN);
  const [now, setNow] = useState<Now | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setNow(null);
    setError(null);
    loadNow(id)
      .then(setNow)
      .catch((e: ApiError) => setError(e.message));
  }, [id]);

  const customer = now?.view.customer;
  return (
    <section aria-labelledby="c360-title">
      <p>
        <Link href="/customers">← Customers</Link>
      </p>
      <h1 id="c360-title">
        {customer ? `${customer.firstName} ${customer.lastName}` : id} <span class="mono muted">{id}</span>
      </h1>
      <ErrorNote error={error} />
      {!now && !error && <p class="muted">Loading…</p>}
      {now && (
        <div class="c360">
          <section aria-labelledby="now-title" class="panel">
            <h2 id="now-title">Now</h2>
            <StateView view={now.view} usage={now.usage} label="now" />
          </section>
          {can(me, 'admin') && customer && (
            <TimeTravel
              customerId={id}
              since={Date.parse(customer.createdAt)}
              initialAt={Number.isFinite(linkedAt) ? linkedAt : undefined}
            />
          )}
        </div>
      )}
    </section>
  );
}
