import type { Address } from './address.ts';

/** ACTIVE <-> SUSPENDED -> TERMINATED (final; ACTIVE may also terminate directly). */
export type CustomerStatus = 'ACTIVE' | 'SUSPENDED' | 'TERMINATED';

export type Customer = {
  customerId: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  address: Address;
  status: CustomerStatus;
  createdAt: string;
  updatedAt: string;
};

/** null until customer.created: every aggregate starts from null. */
export type CustomerState = Customer | null;

export const initialState: CustomerState = null;
