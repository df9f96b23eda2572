import type { Money } from '../money.ts';
import type { PaymentMethod } from './events.ts';

export type CreatePayment = {
  type: 'CreatePayment';
  paymentId: string;
  customerId: string;
  amount: Money;
  method: PaymentMethod;
  /** The provider's reference (card authorization, bank transfer title). */
  reference?: string;
  at: string;
};

/** Captures the whole authorized amount and applies it to open invoices, oldest first. */
export type CapturePayment = { type: 'CapturePayment'; paymentId: string; at: string };
export type FailPayment = { type: 'FailPayment'; paymentId: string; reason: string; at: string };
export type RefundPayment = {
  type: 'RefundPayment';
  paymentId: string;
  refundId: string;
  amount: Money;
  reason?: string;
  at: string;
};
/** Applies money left over from an earlier capture (customer credit) to invoices issued since. */
export type ApplyPaymentCredit = { type: 'ApplyPaymentCredit'; paymentId: string; at: string };

export type PaymentCommand = CreatePayment | CapturePayment | FailPayment | RefundPayment | ApplyPaymentCredit;
