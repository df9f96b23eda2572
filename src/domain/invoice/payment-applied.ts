import type { DomainEventOf } from '../event.ts';
import type { Money } from '../money.ts';

/**
 * Captured money applied to one invoice; both the payment and the invoice fold it. It lives beside
 * the invoice because payment/ builds on invoice/, not the reverse; payment/events.ts re-exports it.
 */
export type PaymentApplied = DomainEventOf<
  'payment.applied',
  { paymentId: string; customerId: string; invoiceId: string; amount: Money; at: string }
>;
