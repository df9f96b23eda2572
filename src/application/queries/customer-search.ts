import type { Queryable } from '../../store/db.ts';
import type { Customer } from '../../domain/customer/state.ts';

export const MAX_SEARCH_RESULTS = 50;

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function searchCustomers(db: Queryable, q: string, limit = 20): Promise<Customer[]> {
  const { rows } = await db.query<{ state: Customer }>(
    `SELECT state FROM customers
     WHERE id = $1 OR email = $1 OR email ILIKE $2
        OR (state->>'firstName') || ' ' || (state->>'lastName') ILIKE $2
     ORDER BY (id = $1 OR email = $1) DESC, seq DESC
     LIMIT ${Math.min(Math.max(1, limit), MAX_SEARCH_RESULTS)}`,
    [q, likePattern(q)],
  );
  return rows.map((row) => row.state);
}
