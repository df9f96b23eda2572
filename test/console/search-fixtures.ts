// Customers and queries for the customer-search tests, shared by the PGlite and PostgreSQL runs.
import assert from 'node:assert/strict';
import type { ApiApp } from '../../src/api/types.ts';

const people = [
  { customerId: 'cus_search_1', firstName: 'Anna', lastName: 'Kowalska', email: 'anna.k@example.com' },
  { customerId: 'cus_search_2', firstName: 'Jan', lastName: 'Nowak', email: 'jan_nowak@example.org' },
  { customerId: 'cus_search_3', firstName: 'Annabel', lastName: 'Lee', email: 'lee@example.com' },
];

export async function seedSearchCustomers(app: ApiApp, headers: Record<string, string>, suffix = ''): Promise<void> {
  for (const person of people) {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers,
      payload: {
        ...person,
        customerId: `${person.customerId}${suffix}`,
        // A second set of the same people shares their addresses on purpose.
        ...(suffix === '' ? {} : { allowDuplicateEmail: true }),
        address: { line1: 'Hauptstraße 1', city: 'Wien', postalCode: '1010', country: 'AT' },
      },
    });
    assert.equal(response.statusCode, 201, response.body);
  }
}

export const searchCases = [
  { q: 'cus_search_2', expected: ['cus_search_2'] },
  { q: 'ANNA', expected: ['cus_search_1', 'cus_search_3'] },
  { q: 'anna kowal', expected: ['cus_search_1'] },
  { q: 'example.org', expected: ['cus_search_2'] },
  // `_` is a LIKE wildcard: escaped, it matches only a real underscore.
  { q: 'a_k', expected: [] },
  { q: 'jan_', expected: ['cus_search_2'] },
  { q: '%', expected: [] },
];

/** Asks the search for every case as a viewer and checks the ids it answers. */
export async function assertSearchCases(app: ApiApp, headers: Record<string, string>): Promise<void> {
  for (const { q, expected } of searchCases) {
    const response = await app.inject({ url: `/api/v1/customers/search?q=${encodeURIComponent(q)}`, headers });
    assert.equal(response.statusCode, 200, response.body);
    const ids = (response.json().items as { customerId: string }[]).map((c) => c.customerId).sort();
    assert.deepEqual(ids, expected, `q=${q}`);
  }
}
