import type { DomainEventOf } from '../event.ts';
import type { Money } from '../money.ts';

/** Lives beside the invoice because payment/ builds on invoice/, not the reverse. */
export type PaymentApplied = DomainEventOf<
  'payment.applied',
  { paymentId: string; customerId: string; invoiceId: string; amount: Money; at: string }
>;
