import { Type } from 'typebox';
import { ClientId, CurrencyCode, DateTime, Id, Money, Nullable } from '../../events/schemas.ts';
import { Reason } from './common.ts';

/** `~` is reserved for derived ids. */
const OrderClientId = { ...ClientId, examples: ['ord-2026-0001'] };

export const OrderStatus = Type.Enum(['PENDING', 'APPROVED', 'REJECTED', 'COMPLETED', 'CANCELLED'], {
  title: 'OrderStatus',
});

export const PlaceOrderBody = Type.Object(
  {
    orderId: Type.Optional({ ...OrderClientId, description: 'default: generated' }),
    customerId: Id,
    items: Type.Array(Type.Object({ planId: Id }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 50,
      description: 'one subscription per item when the order completes',
    }),
  },
  { additionalProperties: false, examples: [{ customerId: 'cus_1f0c', items: [{ planId: 'plan-basic' }] }] },
);

export const RejectOrderBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);

export const OptionalReason = Type.Union([Type.Null(), Reason]);

export const OrderItem = Type.Object(
  { planId: Id, planName: Type.String(), planVersion: Type.Integer({ minimum: 1 }), monthlyPrice: Money },
  { title: 'OrderItem' },
);

export const Order = Type.Object(
  {
    orderId: Id,
    customerId: Id,
    items: Type.Array(OrderItem),
    currency: CurrencyCode,
    monthlyTotal: Money,
    status: OrderStatus,
    subscriptionIds: Type.Array(Id, { description: 'filled on completion, in item order' }),
    reason: Nullable(Type.String({ description: 'why it was rejected or cancelled' })),
    placedAt: DateTime,
    updatedAt: DateTime,
  },
  { title: 'Order' },
);
