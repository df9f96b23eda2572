// Field validators shared by the aggregates' decide functions. Each throws a
// DomainRejection (kind 'invalid') naming the field at fault.

import type { ErrorCode } from '../errors.ts';
import { invalid } from './rejection.ts';

/** A non-empty, trimmed-non-empty string (ids, names, reasons). */
export function requireText(value: unknown, field: string, maxLength = 200): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid('REQUIRED', `${field} is required`, field);
  if (value.length > maxLength) throw invalid('TOO_LONG', `${field} is longer than ${maxLength} characters`, field);
  return value;
}

/** An optional free-text value: undefined/null pass, otherwise it must be non-empty text. */
export function optionalText(value: unknown, field: string, maxLength = 500): string | null {
  if (value === undefined || value === null) return null;
  return requireText(value, field, maxLength);
}

// Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is
// proven by sending mail, not by a regular expression.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** Returns the trimmed address. */
export function requireEmail(value: unknown, field = 'email'): string {
  const email = typeof value === 'string' ? value.trim() : '';
  if (email.length > 254 || !EMAIL.test(email))
    throw invalid('INVALID_EMAIL', `${field} is not an e-mail address`, field);
  return email;
}

// E.164: a plus, a country code that does not start with 0, at most 15 digits.
const E164 = /^\+[1-9]\d{6,14}$/;

export function requirePhone(value: unknown, field = 'phone'): string {
  if (typeof value !== 'string' || !E164.test(value)) {
    throw invalid('INVALID_PHONE', `${field} must be an E.164 number such as +48601234567`, field);
  }
  return value;
}

/** A positive safe integer (usage quantities). */
export function requirePositiveInteger(value: unknown, field: string, code: ErrorCode = 'INVALID_QUANTITY'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalid(code, `${field} must be a positive integer, got ${String(value)}`, field);
  }
  return value;
}

/** Ids within one command must be distinct (e.g. the subscription ids of an order). */
export function requireDistinct(values: readonly string[], field: string): void {
  if (new Set(values).size !== values.length) throw invalid('DUPLICATE_ID', `${field} contains duplicates`, field);
}
