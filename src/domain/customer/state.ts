import type { CustomerCreated } from './events.ts';

/** ACTIVE <-> SUSPENDED -> TERMINATED (final; ACTIVE may also terminate directly). */
export type CustomerStatus = 'ACTIVE' | 'SUSPENDED' | 'TERMINATED';

/** What it was created with, and where it is in its lifecycle. */
export type Customer = Omit<CustomerCreated['data'], 'at'> & {
  status: CustomerStatus;
  createdAt: string;
  updatedAt: string;
};

/** null until customer.created: every aggregate starts from null. */
export type CustomerState = Customer | null;

export const initialState: CustomerState = null;
