// The customer reads: rows, the console's search, and the account balance.
import type { Queryable } from '../../store/db.ts';
import { initialBalance, type CustomerBalance } from '../../domain/index.ts';
import type { Customer } from '../../domain/customer/state.ts';
import type { ReadModels } from './cached-read-models.ts';
import { searchCustomers } from './customer-search.ts';
import { rowQueries, type RowQueries } from './row-queries.ts';

export interface CustomerQueries extends RowQueries<Customer> {
  /** By exact id, or part of the email or of "first last"; newest first. */
  search(q: string, limit?: number): Promise<Customer[]>;
  /** Through the cache; all zero before the first order, payment or invoice; NOT_FOUND without the customer. */
  balance(customerId: string): Promise<CustomerBalance>;
}

export function customerQueries(db: Queryable, reads: ReadModels): CustomerQueries {
  const rows = rowQueries<Customer>('customer', db, reads);
  return {
    ...rows,
    search: (q, limit) => searchCustomers(db, q, limit),
    async balance(customerId) {
      await rows.get(customerId);
      const row = await reads.get<CustomerBalance>('balance', customerId);
      return row?.state ?? initialBalance(customerId);
    },
  };
}
