import { assertNever } from '../event.ts';
import type { CustomerEvent } from './events.ts';
import type { CustomerState } from './state.ts';

// A fold never throws (events for an unknown customer are ignored), so a replay of a damaged log goes on.
export function evolve(state: CustomerState, event: CustomerEvent): CustomerState {
  switch (event.type) {
    case 'customer.created': {
      const { customerId, firstName, lastName, email, phone, address, at } = event.data;
      return { customerId, firstName, lastName, email, phone, address, status: 'ACTIVE', createdAt: at, updatedAt: at };
    }
    case 'customer.contactUpdated': {
      if (state === null) return state;
      const { email, phone, address, at } = event.data;
      return { ...state, email, phone, address, updatedAt: at };
    }
    case 'customer.suspended':
      return state === null ? state : { ...state, status: 'SUSPENDED', updatedAt: event.data.at };
    case 'customer.resumed':
      return state === null ? state : { ...state, status: 'ACTIVE', updatedAt: event.data.at };
    case 'customer.terminated':
      return state === null ? state : { ...state, status: 'TERMINATED', updatedAt: event.data.at };
    default:
      return assertNever(event);
  }
}
