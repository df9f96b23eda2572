import { invalid } from '../rejection.ts';
import { optionalText, requireText } from '../validate.ts';

export type Address = {
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
};

export type AddressInput = Omit<Address, 'line2'> & { line2?: string | null };

export function requireAddress(value: unknown, field = 'address'): Address {
  if (typeof value !== 'object' || value === null) throw invalid('REQUIRED', `${field} is required`, field);
  const input = value as Partial<Record<keyof Address, unknown>>;
  const country = input.country;
  if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)) {
    throw invalid('INVALID_COUNTRY', 'country must be an ISO 3166-1 alpha-2 code such as "PL"', `${field}.country`);
  }
  return {
    line1: requireText(input.line1, `${field}.line1`).trim(),
    line2: optionalText(blankToNull(input.line2), `${field}.line2`)?.trim() ?? null,
    city: requireText(input.city, `${field}.city`, 100).trim(),
    postalCode: requireText(input.postalCode, `${field}.postalCode`, 20).trim(),
    country,
  };
}

const blankToNull = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? null : value);
