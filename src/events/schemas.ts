import { Type } from 'typebox';
import { CURRENCIES } from '../domain/money.ts';
import { USAGE_UNITS } from '../domain/usage/usage-type.ts';

export const Id = Type.String({ minLength: 1, maxLength: 100 });
export const DateTime = Type.String({ format: 'date-time' });
export const ClientId = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$' });
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const CurrencyCode = Type.Enum(Object.keys(CURRENCIES) as Array<keyof typeof CURRENCIES>, {
  title: 'CurrencyCode',
  description: 'ISO 4217 currency code',
});
export const Money = Type.Object(
  {
    amount: Type.Integer({ description: 'integer minor units (cents, grosze, …)' }),
    currency: CurrencyCode,
  },
  { additionalProperties: false, title: 'Money', examples: [{ amount: 4999, currency: 'PLN' }] },
);

export const Address = Type.Object(
  {
    line1: Type.String({ minLength: 1 }),
    line2: Nullable(Type.String()),
    city: Type.String({ minLength: 1 }),
    postalCode: Type.String({ minLength: 1 }),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
  },
  {
    additionalProperties: false,
    title: 'Address',
    examples: [{ line1: 'ul. Prosta 1', line2: null, city: 'Warszawa', postalCode: '00-001', country: 'PL' }],
  },
);

export const UsageType = Type.Enum(['voice', 'sms', 'data'], { title: 'UsageType' });
export const UsageUnit = Type.Enum(Object.values(USAGE_UNITS));
export const TariffUnit = Type.Enum(['minute', 'message', 'megabyte'], { title: 'TariffUnit' });
export const PaymentMethod = Type.Enum(['card', 'bank_transfer', 'direct_debit'], { title: 'PaymentMethod' });
export const BillingPeriod = Type.Object({ from: Type.String(), to: Type.String() }, { additionalProperties: false });
