// Find a customer by id, email or name (GET /api/v1/customers/search); without a query, the newest.
import { useEffect, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { api, query, type ApiError } from '../api.ts';
import type { Customer, Page } from '../types.ts';
import { dateTime } from '../format.ts';

export function CustomerSearch() {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<Customer[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const search = async (text: string) => {
    setError(null);
    try {
      const page = text.trim()
        ? await api<{ items: Customer[] }>(`/customers/search?${query({ q: text.trim() })}`)
        : await api<Page<Customer>>('/customers?limit=20');
      setResults(page.items);
    } catch (e) {
      setError((e as ApiError).message);
    }
  };
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
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {results && results.length === 0 && <p class="muted">No customer matches.</p>}
      {results && results.length > 0 && (
        <table class="grid" data-testid="customer-results">
          <thead>
            <tr>
              <th scope="col">name</th>
              <th scope="col">email</th>
              <th scope="col">status</th>
              <th scope="col">id</th>
              <th scope="col">since</th>
            </tr>
          </thead>
          <tbody>
            {results.map((c) => (
              <tr key={c.customerId}>
                <td>
                  <Link href={`/customers/${encodeURIComponent(c.customerId)}`}>
                    {c.firstName} {c.lastName}
                  </Link>
                </td>
                <td>{c.email}</td>
                <td>
                  <span class={`status status-${c.status.toLowerCase()}`}>{c.status}</span>
                </td>
                <td class="mono">{c.customerId}</td>
                <td>{dateTime(c.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
