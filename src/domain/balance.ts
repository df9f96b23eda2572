// Minor units of the account currency. balance = invoiced − paid + refunded (negative = credit). A refund raises
// the balance: invoices it had paid stay PAID and the debt shows in the balance, not by reopening invoices.

import type { DomainEvent } from './events.ts';
import { assertNever } from './event.ts';
import type { CurrencyCode, Money } from './money.ts';
import { invalid } from './rejection.ts';

export type CustomerBalance = {
  customerId: string;
  currency: CurrencyCode | null;
  invoiced: number;
  paid: number;
  refunded: number;
  credit: number;
  balance: number;
};

export function initialBalance(customerId: string): CustomerBalance {
  return { customerId, currency: null, invoiced: 0, paid: 0, refunded: 0, credit: 0, balance: 0 };
}

/** The events that can change a balance: the ones affectsBalance lets through. */
type BalanceEvent = Extract<
  DomainEvent,
  {
    type:
      | 'order.placed'
      | 'payment.authorized'
      | 'invoice.issued'
      | 'invoice.cancelled'
      | 'payment.captured'
      | 'payment.refunded';
  }
>;

export function evolveBalance(state: CustomerBalance, event: DomainEvent): CustomerBalance {
  if (!affectsBalance(event)) return state;
  switch (event.type) {
    case 'order.placed':
      return withCurrency(state, event.data.currency);
    case 'payment.authorized':
      return withCurrency(state, event.data.amount.currency);
    case 'invoice.issued':
      return change(state, 'invoiced', event.data.total, +1);
    case 'invoice.cancelled':
      return change(state, 'invoiced', event.data.amount, -1);
    case 'payment.captured':
      return change(state, 'paid', event.data.amount, +1);
    case 'payment.refunded':
      return change(state, 'refunded', event.data.amount, +1);
    default:
      return assertNever(event);
  }
}

// decide checks the currency first; throwing here aborts a command that raced past it (same transaction).
function withCurrency(state: CustomerBalance, currency: CurrencyCode): CustomerBalance {
  if (state.currency === null) return { ...state, currency };
  if (state.currency !== currency) {
    throw invalid(
      'CURRENCY_MISMATCH',
      `account ${state.customerId} is in ${state.currency}, not ${currency}`,
      'currency',
      {
        expected: state.currency,
        actual: currency,
      },
    );
  }
  return state;
}

function change(
  state: CustomerBalance,
  field: 'invoiced' | 'paid' | 'refunded',
  money: Money,
  sign: 1 | -1,
): CustomerBalance {
  const next = withCurrency(state, money.currency);
  const changed = { ...next, [field]: next[field] + sign * money.amount };
  const balance = changed.invoiced - changed.paid + changed.refunded;
  return { ...changed, balance, credit: Math.max(0, -balance) };
}

/** Read models keep a balance row only for these, so usage events neither lock nor rewrite it. */
export function affectsBalance(event: DomainEvent): event is BalanceEvent {
  switch (event.type) {
    case 'order.placed':
    case 'payment.authorized':
    case 'invoice.issued':
    case 'invoice.cancelled':
    case 'payment.captured':
    case 'payment.refunded':
      return true;
    case 'customer.created':
    case 'customer.contactUpdated':
    case 'customer.suspended':
    case 'customer.resumed':
    case 'customer.terminated':
    case 'order.approved':
    case 'order.rejected':
    case 'order.completed':
    case 'order.cancelled':
    case 'subscription.activated':
    case 'subscription.suspended':
    case 'subscription.resumed':
    case 'subscription.cancelled':
    case 'usage.rated':
    case 'usage.rejected':
    case 'invoice.paid': // follows payment.applied; the money was counted at capture
    case 'invoice.overdue':
    case 'payment.failed':
    case 'payment.applied': // moves captured money onto an invoice; the balance is unchanged
      return false;
    default:
      return assertNever(event);
  }
}
