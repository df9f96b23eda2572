import type { DomainEventOf } from '../event.ts';
import type { Address } from './address.ts';

export type CustomerCreated = DomainEventOf<
  'customer.created',
  {
    customerId: string;
    firstName: string;
    lastName: string;
    email: string;
    phone: string | null;
    address: Address;
    at: string;
  }
>;

/** The complete contact after the update, so evolve needs no merge rules. */
export type CustomerContactUpdated = DomainEventOf<
  'customer.contactUpdated',
  { customerId: string; email: string; phone: string | null; address: Address; at: string }
>;

export type CustomerSuspended = DomainEventOf<
  'customer.suspended',
  { customerId: string; reason: string | null; at: string }
>;

export type CustomerResumed = DomainEventOf<'customer.resumed', { customerId: string; at: string }>;

export type CustomerTerminated = DomainEventOf<
  'customer.terminated',
  { customerId: string; reason: string | null; at: string }
>;

export type CustomerEvent =
  CustomerCreated | CustomerContactUpdated | CustomerSuspended | CustomerResumed | CustomerTerminated;
