import type { ErrorCode } from '../errors.ts';
import { invalid } from './rejection.ts';

export function requireText(value: unknown, field: string, maxLength = 200): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid('REQUIRED', `${field} is required`, field);
  if (value.length > maxLength) throw invalid('TOO_LONG', `${field} is longer than ${maxLength} characters`, field);
  return value;
}

export function optionalText(value: unknown, field: string, maxLength = 500): string | null {
  if (value === undefined || value === null) return null;
  return requireText(value, field, maxLength);
}

// Deliberately simple: deliverability is proven by sending mail, not by a regular expression.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function requireEmail(value: unknown, field = 'email'): string {
  const email = typeof value === 'string' ? value.trim() : '';
  if (email.length > 254 || !EMAIL.test(email))
    throw invalid('INVALID_EMAIL', `${field} is not an e-mail address`, field);
  return email;
}

const E164 = /^\+[1-9]\d{6,14}$/;

export function requirePhone(value: unknown, field = 'phone'): string {
  if (typeof value !== 'string' || !E164.test(value)) {
    throw invalid('INVALID_PHONE', `${field} must be an E.164 number such as +48601234567`, field);
  }
  return value;
}

export function requirePositiveInteger(value: unknown, field: string, code: ErrorCode = 'INVALID_QUANTITY'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalid(code, `${field} must be a positive integer, got ${String(value)}`, field);
  }
  return value;
}

export function requireDistinct(values: readonly string[], field: string): void {
  if (new Set(values).size !== values.length) throw invalid('DUPLICATE_ID', `${field} contains duplicates`, field);
}
