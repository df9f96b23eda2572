import type { CustomerCreated } from './events.ts';

/** ACTIVE <-> SUSPENDED -> TERMINATED (final; ACTIVE may also terminate directly). */
export type CustomerStatus = 'ACTIVE' | 'SUSPENDED' | 'TERMINATED';

export type Customer = Omit<CustomerCreated['data'], 'at'> & {
  status: CustomerStatus;
  createdAt: string;
  updatedAt: string;
};

export type CustomerState = Customer | null;

export const initialState: CustomerState = null;
