import type { AddressInput } from './address.ts';

export type CreateCustomer = {
  type: 'CreateCustomer';
  customerId: string;
  firstName: string;
  lastName: string;
  email: string;
  phone?: string | null;
  address: AddressInput;
  at: string;
};

/** Only the fields present change; `phone: null` removes the phone. */
export type UpdateCustomerContact = {
  type: 'UpdateCustomerContact';
  customerId: string;
  email?: string;
  phone?: string | null;
  address?: AddressInput;
  at: string;
};

export type SuspendCustomer = { type: 'SuspendCustomer'; customerId: string; reason?: string; at: string };
export type ResumeCustomer = { type: 'ResumeCustomer'; customerId: string; at: string };
export type TerminateCustomer = { type: 'TerminateCustomer'; customerId: string; reason?: string; at: string };

export type CustomerCommand =
  CreateCustomer | UpdateCustomerContact | SuspendCustomer | ResumeCustomer | TerminateCustomer;
