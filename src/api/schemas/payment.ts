import { Type } from 'typebox';
import { DateRangeQuery, ListQuery } from './common.ts';
import { ClientId, CurrencyCode, DateTime, Id, Money, Nullable, PaymentMethod } from '../../events/schemas.ts';

/** `~` is reserved for derived ids. */
const PaymentClientId = { ...ClientId, examples: ['pay-2026-0001'] };

/** Never a float or a decimal string. */
export const PositiveMoney = Type.Object(
  {
    amount: Type.Integer({
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'integer minor units (cents, grosze, …), > 0',
    }),
    currency: CurrencyCode,
  },
  { additionalProperties: false, title: 'PositiveMoney', examples: [{ amount: 4999, currency: 'PLN' }] },
);

export const PaymentStatus = Type.Enum(['AUTHORIZED', 'CAPTURED', 'FAILED'], { title: 'PaymentStatus' });

export const CreatePaymentBody = Type.Object(
  {
    paymentId: Type.Optional({ ...PaymentClientId, description: 'default: generated' }),
    customerId: Id,
    amount: PositiveMoney,
    method: PaymentMethod,
    reference: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'card authorization, transfer title' }),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ customerId: 'cus_1f0c', amount: { amount: 4999, currency: 'PLN' }, method: 'card' }],
  },
);

export const PayInvoiceBody = Type.Object(
  {
    paymentId: Type.Optional({ ...PaymentClientId, description: 'default: generated' }),
    amount: Type.Optional({
      ...PositiveMoney,
      description: "default: the invoice's outstanding amount; more is refused (422 AMOUNT_EXCEEDS_OUTSTANDING)",
    }),
    method: PaymentMethod,
    reference: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'card authorization, transfer title' }),
    ),
  },
  { additionalProperties: false, examples: [{ method: 'card', reference: 'auth-7731' }] },
);

export const FailPaymentBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);

export const RefundBody = Type.Object(
  {
    refundId: Type.Optional({ ...PaymentClientId, description: 'default: generated; repeat it to retry safely' }),
    amount: PositiveMoney,
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const Payment = Type.Object(
  {
    paymentId: Id,
    customerId: Id,
    amount: Money,
    method: PaymentMethod,
    reference: Nullable(Type.String()),
    status: PaymentStatus,
    captured: Money,
    applied: { ...Money, description: 'applied to invoices' },
    refunded: Money,
    unapplied: { ...Money, description: 'customer credit still on this payment: captured − applied − refunded' },
    refundable: { ...Money, description: 'what may still be refunded: captured − refunded' },
    allocations: Type.Array(Type.Object({ invoiceId: Id, amount: Money, at: DateTime })),
    refunds: Type.Array(Type.Object({ refundId: Id, amount: Money, at: DateTime })),
    failureReason: Nullable(Type.String()),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { title: 'Payment' },
);

export const PaymentListQuery = Type.Object(
  {
    customerId: Type.Optional(Id),
    status: Type.Optional(PaymentStatus),
    ...ListQuery,
    ...DateRangeQuery,
  },
  { additionalProperties: false },
);
