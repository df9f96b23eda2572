import type { Queryable } from '../../store/db.ts';
import { initialBalance, type CustomerBalance } from '../../domain/index.ts';
import type { Customer } from '../../domain/customer/state.ts';
import type { ReadModels } from './cached-read-models.ts';
import { searchCustomers } from './customer-search.ts';
import { rowQueries, type RowQueries } from './row-queries.ts';

export interface CustomerQueries extends RowQueries<Customer> {
  search(q: string, limit?: number): Promise<Customer[]>;
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
