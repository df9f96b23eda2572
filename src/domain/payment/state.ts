import type { Money } from '../money.ts';
import type { PaymentMethod } from './events.ts';

/** AUTHORIZED -> CAPTURED | FAILED. Refunds keep a payment CAPTURED. */
export type PaymentStatus = 'AUTHORIZED' | 'CAPTURED' | 'FAILED';

export type Payment = {
  paymentId: string;
  customerId: string;
  amount: Money;
  method: PaymentMethod;
  reference: string | null;
  status: PaymentStatus;
  captured: Money;
  /** The rest of the captured money is customer credit. */
  applied: Money;
  refunded: Money;
  allocations: { invoiceId: string; amount: Money; at: string }[];
  refunds: { refundId: string; amount: Money; at: string }[];
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
};

export type PaymentState = Payment | null;

export const initialState: PaymentState = null;

/** captured − applied − refunded, never below zero: a refund beyond the credit is owed again (balance.ts). */
export function unapplied(payment: Payment): Money {
  const amount = payment.captured.amount - payment.applied.amount - payment.refunded.amount;
  return { amount: Math.max(0, amount), currency: payment.amount.currency };
}

export function refundable(payment: Payment): Money {
  return { amount: payment.captured.amount - payment.refunded.amount, currency: payment.amount.currency };
}
