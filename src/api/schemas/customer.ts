import { Type } from 'typebox';
import { Address, CurrencyCode, DateTime, Id, Money } from '../../events/schemas.ts';

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });

// The domain's rules (src/domain/validate.ts), stated so a client learns them from the document.
const Email = Type.String({
  format: 'email',
  maxLength: 254,
  pattern: '^[^\\s@]+@[^\\s@.]+(\\.[^\\s@.]+)+$',
  description: 'one @, no spaces, a dot in the domain',
  examples: ['ada.lovelace@example.com'],
});
const Phone = Type.Union([Type.String({ pattern: '^\\+[1-9]\\d{6,14}$', description: 'E.164' }), Type.Null()], {
  description: 'E.164, e.g. +48601234567; null = none',
  examples: ['+48601234567'],
});

export const AddressInput = Type.Object(
  {
    line1: Text(200),
    line2: Type.Optional(
      Type.Union([Type.String({ maxLength: 200 }), Type.Null()], {
        description: 'may be absent, null or empty (all mean no second line)',
      }),
    ),
    city: Text(100),
    postalCode: Text(20),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
  },
  {
    additionalProperties: false,
    title: 'AddressInput',
    examples: [{ line1: 'ul. Prosta 1', city: 'Warszawa', postalCode: '00-001', country: 'PL' }],
  },
);

export const CreateCustomerBody = Type.Object(
  {
    customerId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$', description: 'default: generated' })),
    firstName: Text(100),
    lastName: Text(100),
    email: Email,
    phone: Type.Optional(Phone),
    address: AddressInput,
    allowDuplicateEmail: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          "an email is one customer's (case-insensitive): 409 EMAIL_TAKEN names the holder; true lets this " +
          'customer share it (e.g. a family member with their own account)',
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada.lovelace@example.com',
        phone: '+48601234567',
        address: { line1: 'ul. Prosta 1', city: 'Warszawa', postalCode: '00-001', country: 'PL' },
      },
    ],
  },
);

export const UpdateContactBody = Type.Object(
  { email: Type.Optional(Email), phone: Type.Optional(Phone), address: Type.Optional(AddressInput) },
  { additionalProperties: false, minProperties: 1, examples: [{ phone: '+48601234567' }] },
);

export const CustomerStatus = Type.Enum(['ACTIVE', 'SUSPENDED', 'TERMINATED'], { title: 'CustomerStatus' });

export const Customer = Type.Object(
  {
    customerId: Id,
    firstName: Type.String(),
    lastName: Type.String(),
    email: Type.String(),
    phone: Type.Union([Type.String(), Type.Null()]),
    address: Address,
    status: CustomerStatus,
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  {
    title: 'Customer',
    examples: [
      {
        customerId: 'cus_1f0c',
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada.lovelace@example.com',
        phone: '+48601234567',
        address: { line1: 'ul. Prosta 1', line2: null, city: 'Warszawa', postalCode: '00-001', country: 'PL' },
        status: 'ACTIVE',
        createdAt: '2026-11-24T10:00:00.000Z',
        updatedAt: '2026-11-24T10:00:00.000Z',
      },
    ],
  },
);

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
