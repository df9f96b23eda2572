// TypeBox schemas of the value types events carry, shared by the event catalog and the API.
import { Type } from 'typebox';
import { CURRENCIES } from '../domain/money.ts';
import { USAGE_UNITS } from '../domain/usage/usage-type.ts';

export const Id = Type.String({ minLength: 1, maxLength: 100 });
export const DateTime = Type.String({ format: 'date-time' });
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const CurrencyCode = Type.Enum(Object.keys(CURRENCIES) as Array<keyof typeof CURRENCIES>, {
  description: 'ISO 4217 currency code',
});
export const Money = Type.Object(
  {
    amount: Type.Integer({ description: 'integer minor units (cents, grosze, …)' }),
    currency: CurrencyCode,
  },
  { additionalProperties: false },
);

export const Address = Type.Object(
  {
    line1: Type.String({ minLength: 1 }),
    line2: Nullable(Type.String()),
    city: Type.String({ minLength: 1 }),
    postalCode: Type.String({ minLength: 1 }),
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
  },
  { additionalProperties: false },
);

export const UsageType = Type.Union([Type.Literal('voice'), Type.Literal('sms'), Type.Literal('data')]);
export const UsageUnit = Type.Enum(Object.values(USAGE_UNITS));
export const TariffUnit = Type.Union([Type.Literal('minute'), Type.Literal('message'), Type.Literal('megabyte')]);
export const PaymentMethod = Type.Union([
  Type.Literal('card'),
  Type.Literal('bank_transfer'),
  Type.Literal('direct_debit'),
]);
export const BillingPeriod = Type.Object({ from: Type.String(), to: Type.String() }, { additionalProperties: false });
