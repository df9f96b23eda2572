import { assertNever } from '../event.ts';
import type { OrderEvent } from './events.ts';
import type { OrderState } from './state.ts';

export function evolve(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'order.placed': {
      const { orderId, customerId, items, currency, monthlyTotal, at } = event.data;
      return {
        orderId,
        customerId,
        items,
        currency,
        monthlyTotal,
        status: 'PENDING',
        subscriptionIds: [],
        reason: null,
        placedAt: at,
        updatedAt: at,
      };
    }
    case 'order.approved':
      return state === null ? state : { ...state, status: 'APPROVED', updatedAt: event.data.at };
    case 'order.rejected':
      return state === null
        ? state
        : { ...state, status: 'REJECTED', reason: event.data.reason, updatedAt: event.data.at };
    case 'order.completed':
      return state === null
        ? state
        : { ...state, status: 'COMPLETED', subscriptionIds: event.data.subscriptionIds, updatedAt: event.data.at };
    case 'order.cancelled':
      return state === null
        ? state
        : { ...state, status: 'CANCELLED', reason: event.data.reason, updatedAt: event.data.at };
    default:
      return assertNever(event);
  }
}
