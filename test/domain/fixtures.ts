// Events and states shared by several aggregates' tests. Ids and times are fixed
// strings: the domain takes them from commands, so tests need no clock.

import type { CustomerEvent, Customer } from '../../src/domain/customer/index.ts';
import { evolve as evolveCustomer } from '../../src/domain/customer/index.ts';

export const customerId = 'cus-1';

export const customerCreated: CustomerEvent = {
  type: 'customer.created',
  data: {
    customerId,
    firstName: 'Anna',
    lastName: 'Kowalska',
    email: 'anna@example.pl',
    phone: null,
    address: { line1: 'Hauptstraße 1', line2: null, city: 'Wien', postalCode: '1010', country: 'AT' },
    at: '2025-01-01T08:00:00Z',
  },
};

export function customerWith(...events: CustomerEvent[]): Customer {
  const state = [customerCreated, ...events].reduce(evolveCustomer, null);
  if (state === null) throw new Error('fixture: customer not created');
  return state;
}

export const activeCustomer = customerWith();

export const suspendedCustomer = customerWith({
  type: 'customer.suspended',
  data: { customerId, reason: null, at: '2025-01-02T00:00:00Z' },
});

export const terminatedCustomer = customerWith({
  type: 'customer.terminated',
  data: { customerId, reason: null, at: '2025-01-02T00:00:00Z' },
});
