import type { DomainEventOf } from '../event.ts';
import type { PaymentApplied } from '../invoice/payment-applied.ts';
import type { Money } from '../money.ts';

export type { PaymentApplied };

export type PaymentMethod = 'card' | 'bank_transfer' | 'direct_debit';

export type PaymentAuthorized = DomainEventOf<
  'payment.authorized',
  { paymentId: string; customerId: string; amount: Money; method: PaymentMethod; reference: string | null; at: string }
>;

export type PaymentCaptured = DomainEventOf<
  'payment.captured',
  { paymentId: string; customerId: string; amount: Money; at: string }
>;

export type PaymentFailed = DomainEventOf<
  'payment.failed',
  { paymentId: string; customerId: string; reason: string; at: string }
>;

/** `totalRefunded` after it, so the fold needs no arithmetic history. */
export type PaymentRefunded = DomainEventOf<
  'payment.refunded',
  {
    paymentId: string;
    customerId: string;
    refundId: string;
    amount: Money;
    totalRefunded: Money;
    reason: string | null;
    at: string;
  }
>;

export type PaymentEvent = PaymentAuthorized | PaymentCaptured | PaymentFailed | PaymentRefunded | PaymentApplied;
