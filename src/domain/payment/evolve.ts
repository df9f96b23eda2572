import { assertNever } from '../event.ts';
import { add } from '../money.ts';
import type { PaymentEvent } from './events.ts';
import type { PaymentState } from './state.ts';

export function evolve(state: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'payment.authorized': {
      const { paymentId, customerId, amount, method, reference, at } = event.data;
      const none = { amount: 0, currency: amount.currency };
      return {
        paymentId,
        customerId,
        amount,
        method,
        reference,
        status: 'AUTHORIZED',
        captured: none,
        applied: none,
        refunded: none,
        allocations: [],
        refunds: [],
        failureReason: null,
        createdAt: at,
        updatedAt: at,
      };
    }
    case 'payment.captured':
      return state === null
        ? state
        : { ...state, status: 'CAPTURED', captured: event.data.amount, updatedAt: event.data.at };
    case 'payment.failed':
      return state === null
        ? state
        : { ...state, status: 'FAILED', failureReason: event.data.reason, updatedAt: event.data.at };
    case 'payment.refunded': {
      if (state === null) return state;
      const { refundId, amount, totalRefunded, at } = event.data;
      return {
        ...state,
        refunded: totalRefunded,
        refunds: [...state.refunds, { refundId, amount, at }],
        updatedAt: at,
      };
    }
    case 'payment.applied': {
      if (state === null) return state;
      const { invoiceId, amount, at } = event.data;
      return {
        ...state,
        applied: add(state.applied, amount),
        allocations: [...state.allocations, { invoiceId, amount, at }],
        updatedAt: at,
      };
    }
    default:
      return assertNever(event);
  }
}
