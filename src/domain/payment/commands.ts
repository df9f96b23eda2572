import type { Money } from '../money.ts';
import type { PaymentMethod } from './events.ts';

export type CreatePayment = {
  type: 'CreatePayment';
  paymentId: string;
  customerId: string;
  amount: Money;
  method: PaymentMethod;
  reference?: string;
  at: string;
};

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
export type ApplyPaymentCredit = { type: 'ApplyPaymentCredit'; paymentId: string; at: string };

export type PaymentCommand = CreatePayment | CapturePayment | FailPayment | RefundPayment | ApplyPaymentCredit;
