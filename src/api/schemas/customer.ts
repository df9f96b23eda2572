import { Type } from 'typebox';
import { Address, CurrencyCode, DateTime, Id, Money } from '../../events/schemas.ts';

export const AddressInput = Type.Object(
  {
    line1: Type.String({ minLength: 1, maxLength: 200 }),
    line2: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    city: Type.String({ minLength: 1, maxLength: 100 }),
    postalCode: Type.String({ minLength: 1, maxLength: 20 }),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
  },
  { additionalProperties: false },
);

export const CreateCustomerBody = Type.Object(
  {
    customerId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$', description: 'default: generated' })),
    firstName: Type.String({ minLength: 1, maxLength: 100 }),
    lastName: Type.String({ minLength: 1, maxLength: 100 }),
    email: Type.String({ format: 'email', maxLength: 254 }),
    phone: Type.Optional(
      Type.Union([Type.String({ maxLength: 20, description: 'E.164, e.g. +48600100200' }), Type.Null()]),
    ),
    address: AddressInput,
  },
  { additionalProperties: false },
);

export const UpdateContactBody = Type.Object(
  {
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    phone: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
    address: Type.Optional(AddressInput),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const Customer = Type.Object({
  customerId: Id,
  firstName: Type.String(),
  lastName: Type.String(),
  email: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
  address: Address,
  status: Type.Union([Type.Literal('ACTIVE'), Type.Literal('SUSPENDED'), Type.Literal('TERMINATED')]),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const CustomerStatus = Type.Union([
  Type.Literal('ACTIVE'),
  Type.Literal('SUSPENDED'),
  Type.Literal('TERMINATED'),
]);

export const Balance = Type.Object({
  customerId: Id,
  currency: Type.Union([CurrencyCode, Type.Null()], { description: 'the account currency; null until fixed' }),
  invoiced: { ...Money, description: 'invoices issued − invoices cancelled' },
  paid: { ...Money, description: 'money captured' },
  refunded: { ...Money, description: 'money given back' },
  credit: { ...Money, description: 'max(0, −balance): prepaid or overpaid money' },
  balance: { ...Money, description: 'what the customer owes (invoiced − paid + refunded); negative = credit' },
});

export { Money };
