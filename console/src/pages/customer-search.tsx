// Find a customer by id, email or name (GET /api/v1/customers/search); without a query, the newest.
import { useEffect, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { api, query } from '../api.ts';
import { DataTable, Status, type Column } from '../components/grid.tsx';
import { ErrorNote } from '../components/fields.tsx';
import { useProblem } from '../hooks.ts';
import type { Customer, Page } from '../types.ts';
import { dateTime } from '../format.ts';

const COLUMNS: Column<Customer>[] = [
  {
    label: 'name',
    cell: (c) => (
      <Link href={`/customers/${encodeURIComponent(c.customerId)}`}>
        {c.firstName} {c.lastName}
      </Link>
    ),
  },
  { label: 'email', cell: (c) => c.email },
  { label: 'status', cell: (c) => <Status value={c.status} /> },
  { label: 'id', class: 'mono', cell: (c) => c.customerId },
  { label: 'since', cell: (c) => dateTime(c.createdAt) },
];

export function CustomerSearch() {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<Customer[] | null>(null);
  const { error, attempt } = useProblem();

  const search = (text: string) =>
    attempt(async () => {
      const page = text.trim()
        ? await api<{ items: Customer[] }>(`/customers/search?${query({ q: text.trim() })}`)
        : await api<Page<Customer>>('/customers?limit=20');
      setResults(page.items);
    });
  useEffect(() => void search(''), []);

  return (
    <section aria-labelledby="customers-title">
      <h1 id="customers-title">Customers</h1>
      <form
        class="search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void search(q);
        }}
      >
        <label for="customer-q">Id, email or name</label>
        <input id="customer-q" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        <button type="submit">Search</button>
      </form>
      <ErrorNote error={error} />
      {results && results.length === 0 && <p class="muted">No customer matches.</p>}
      {results && results.length > 0 && (
        <DataTable testId="customer-results" columns={COLUMNS} rows={results} rowKey={(c) => c.customerId} />
      )}
    </section>
  );
}
