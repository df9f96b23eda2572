import { requireCustomer } from '../customer/require-customer.ts';
import { assertNever } from '../event.ts';
import { requirePositiveMoney } from '../money.ts';
import { conflict, invalid, invalidTransition, missing } from '../rejection.ts';
import { requireDateTime, requireNotBefore } from '../time.ts';
import { optionalText, requireText } from '../validate.ts';
import { allocate, type Allocation } from './allocate.ts';
import type { CreatePayment, PaymentCommand, RefundPayment } from './commands.ts';
import type { PaymentContext } from './context.ts';
import type { PaymentEvent, PaymentMethod } from './events.ts';
import { refundable, unapplied, type Payment, type PaymentState } from './state.ts';

export type PaymentDecision = PaymentEvent | Allocation;

const METHODS: readonly PaymentMethod[] = ['card', 'bank_transfer', 'direct_debit'];

export function decide(command: PaymentCommand, state: PaymentState, context: PaymentContext): PaymentDecision[] {
  const paymentId = requireText(command.paymentId, 'paymentId');
  const atMs = requireDateTime(command.at, 'at');
  if (command.type === 'CreatePayment') {
    if (state !== null) throw conflict('PAYMENT_ALREADY_EXISTS', `payment ${paymentId} already exists`);
    return create(command, context);
  }
  if (state === null) throw missing('PAYMENT_NOT_FOUND', `payment ${paymentId} does not exist`, 'paymentId');
  requireNotBefore(atMs, state.updatedAt);
  const { customerId } = state;
  const at = command.at;

  switch (command.type) {
    case 'CapturePayment':
      if (state.status !== 'AUTHORIZED') throw invalidTransition('payment', state.status, 'capture');
      return [
        { type: 'payment.captured', data: { paymentId, customerId, amount: state.amount, at } },
        ...allocate(state, state.amount, context.invoices, at),
      ];
    case 'FailPayment':
      if (state.status !== 'AUTHORIZED') throw invalidTransition('payment', state.status, 'fail');
      return [
        {
          type: 'payment.failed',
          data: { paymentId, customerId, reason: requireText(command.reason, 'reason', 500), at },
        },
      ];
    case 'RefundPayment':
      if (state.status !== 'CAPTURED') throw invalidTransition('payment', state.status, 'refund');
      return refund(command, state);
    case 'ApplyPaymentCredit':
      if (state.status !== 'CAPTURED') throw invalidTransition('payment', state.status, 'apply credit of');
      return allocate(state, unapplied(state), context.invoices, at);
    default:
      return assertNever(command);
  }
}

function create(command: CreatePayment, context: PaymentContext): PaymentDecision[] {
  const customerId = requireText(command.customerId, 'customerId');
  // Any existing customer may pay, even a suspended or terminated one settling a debt.
  requireCustomer(context.customer, customerId);
  const amount = requirePositiveMoney(command.amount);
  if (context.accountCurrency !== null && amount.currency !== context.accountCurrency) {
    throw invalid('CURRENCY_MISMATCH', `the account is billed in ${context.accountCurrency}`, 'amount.currency', {
      expected: context.accountCurrency,
      actual: amount.currency,
    });
  }
  if (!METHODS.includes(command.method)) {
    throw invalid('INVALID_PAYMENT_METHOD', `method must be one of ${METHODS.join(', ')}`, 'method');
  }
  const reference = optionalText(command.reference, 'reference', 200);
  return [
    {
      type: 'payment.authorized',
      data: { paymentId: command.paymentId, customerId, amount, method: command.method, reference, at: command.at },
    },
  ];
}

function refund(command: RefundPayment, payment: Payment): PaymentDecision[] {
  const refundId = requireText(command.refundId, 'refundId');
  const amount = requirePositiveMoney(command.amount);
  const previous = payment.refunds.find((r) => r.refundId === refundId);
  if (previous !== undefined) {
    // A retried refund is harmless; the same id with another amount is a client error.
    if (previous.amount.amount === amount.amount && previous.amount.currency === amount.currency) return [];
    throw conflict('REFUND_ID_REUSED', `refund ${refundId} was already made for another amount`, { previous });
  }
  if (amount.currency !== payment.amount.currency) {
    throw invalid('CURRENCY_MISMATCH', `the payment is in ${payment.amount.currency}`, 'amount.currency', {
      expected: payment.amount.currency,
      actual: amount.currency,
    });
  }
  const available = refundable(payment);
  if (amount.amount > available.amount) {
    throw invalid('REFUND_EXCEEDS_CAPTURED', `at most ${available.amount} can still be refunded`, 'amount', {
      refundable: available,
    });
  }
  const totalRefunded = { amount: payment.refunded.amount + amount.amount, currency: amount.currency };
  return [
    {
      type: 'payment.refunded',
      data: {
        paymentId: payment.paymentId,
        customerId: payment.customerId,
        refundId,
        amount,
        totalRefunded,
        reason: optionalText(command.reason, 'reason'),
        at: command.at,
      },
    },
  ];
}
