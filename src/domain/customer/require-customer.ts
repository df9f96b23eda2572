import { conflict, invalid, missing } from '../rejection.ts';
import type { Customer, CustomerState } from './state.ts';

export function requireCustomer(customer: CustomerState, customerId: string): Customer {
  if (customer === null) throw missing('CUSTOMER_NOT_FOUND', `customer ${customerId} does not exist`, 'customerId');
  if (customer.customerId !== customerId) {
    // The caller loaded the wrong customer: refuse rather than decide on foreign data.
    throw invalid('CUSTOMER_MISMATCH', `expected customer ${customerId}, got ${customer.customerId}`, 'customerId');
  }
  return customer;
}

export function requireActiveCustomer(customer: CustomerState, customerId: string): Customer {
  const found = requireCustomer(customer, customerId);
  if (found.status !== 'ACTIVE') {
    throw conflict('CUSTOMER_NOT_ACTIVE', `customer ${customerId} is ${found.status}`, { status: found.status });
  }
  return found;
}
