import { assertNever } from '../event.ts';
import type { SubscriptionEvent } from './events.ts';
import type { ActivePeriod, SubscriptionState } from './state.ts';

export function evolve(state: SubscriptionState, event: SubscriptionEvent): SubscriptionState {
  switch (event.type) {
    case 'subscription.activated': {
      const { subscriptionId, customerId, orderId, planId, at } = event.data;
      return {
        subscriptionId,
        customerId,
        orderId,
        planId,
        status: 'ACTIVE',
        activatedAt: at,
        cancelledAt: null,
        activePeriods: [{ from: at, to: null }],
        updatedAt: at,
      };
    }
    case 'subscription.suspended': {
      if (state === null) return state;
      const { at } = event.data;
      return { ...state, status: 'SUSPENDED', activePeriods: closeOpenPeriod(state.activePeriods, at), updatedAt: at };
    }
    case 'subscription.resumed': {
      if (state === null) return state;
      const { at } = event.data;
      return {
        ...state,
        status: 'ACTIVE',
        activePeriods: [...state.activePeriods, { from: at, to: null }],
        updatedAt: at,
      };
    }
    case 'subscription.cancelled': {
      if (state === null) return state;
      const { at } = event.data;
      return {
        ...state,
        status: 'CANCELLED',
        cancelledAt: at,
        activePeriods: closeOpenPeriod(state.activePeriods, at),
        updatedAt: at,
      };
    }
    default:
      return assertNever(event);
  }
}

function closeOpenPeriod(periods: ActivePeriod[], at: string): ActivePeriod[] {
  return periods.map((p) => (p.to === null ? { ...p, to: at } : p));
}
