// Integer minor units plus ISO 4217 currency: floats never touch money, decimal text is parsed as strings.

import { invalid } from './rejection.ts';

// prettier-ignore
export const CURRENCIES = {
  EUR: 2, USD: 2, GBP: 2, CHF: 2, PLN: 2, CZK: 2, HUF: 2, RON: 2, BGN: 2, SEK: 2, NOK: 2, DKK: 2,
  ISK: 0, RSD: 2, UAH: 2, TRY: 2, JPY: 0, KRW: 0, CNY: 2, HKD: 2, TWD: 2, SGD: 2, INR: 2, IDR: 2,
  THB: 2, MYR: 2, PHP: 2, VND: 0, AUD: 2, NZD: 2, CAD: 2, MXN: 2, BRL: 2, ARS: 2, CLP: 0, COP: 2,
  ZAR: 2, NGN: 2, KES: 2, EGP: 2, MAD: 2, ILS: 2, AED: 2, SAR: 2, QAR: 2, BHD: 3, KWD: 3, OMR: 3,
  JOD: 3, TND: 3,
} as const satisfies Record<string, 0 | 2 | 3>;

export type CurrencyCode = keyof typeof CURRENCIES;

export type Money = { amount: number; currency: CurrencyCode };

export function isCurrency(code: unknown): code is CurrencyCode {
  return typeof code === 'string' && Object.hasOwn(CURRENCIES, code);
}

export function minorUnitExponent(currency: CurrencyCode): number {
  return CURRENCIES[currency];
}

export function requireCurrency(code: unknown, field = 'currency'): CurrencyCode {
  if (!isCurrency(code)) throw invalid('INVALID_CURRENCY', `unknown ISO 4217 currency: ${String(code)}`, field);
  return code;
}

export function money(amount: number, currency: CurrencyCode | string, field = 'amount'): Money {
  const code = requireCurrency(currency, `${field}.currency`);
  if (!Number.isSafeInteger(amount)) {
    throw invalid('INVALID_AMOUNT', `amount must be an integer number of minor units, got ${amount}`, field);
  }
  return { amount, currency: code };
}

export function requireMoney(value: unknown, field = 'amount'): Money {
  if (typeof value !== 'object' || value === null) throw invalid('INVALID_AMOUNT', 'money expected', field);
  const { amount, currency } = value as { amount?: unknown; currency?: unknown };
  if (typeof amount !== 'number') throw invalid('INVALID_AMOUNT', 'amount must be a number', `${field}.amount`);
  const code = requireCurrency(currency, `${field}.currency`);
  if (!Number.isSafeInteger(amount)) {
    throw invalid(
      'INVALID_AMOUNT',
      `amount must be an integer number of minor units, got ${amount}`,
      `${field}.amount`,
    );
  }
  return { amount, currency: code };
}

export function requirePositiveMoney(value: unknown, field = 'amount'): Money {
  const m = requireMoney(value, field);
  if (m.amount <= 0) throw invalid('INVALID_AMOUNT', 'amount must be greater than zero', `${field}.amount`);
  return m;
}

export function zero(currency: CurrencyCode): Money {
  return { amount: 0, currency };
}

function checked(amount: number, currency: CurrencyCode): Money {
  if (!Number.isSafeInteger(amount)) {
    throw invalid('AMOUNT_OUT_OF_RANGE', `amount ${amount} exceeds the safe integer range`, 'amount');
  }
  return { amount, currency };
}

export function assertSameCurrency(a: Money, b: Money, field?: string): void {
  if (a.currency !== b.currency) {
    throw invalid('CURRENCY_MISMATCH', `currency mismatch: ${a.currency} vs ${b.currency}`, field, {
      expected: a.currency,
      actual: b.currency,
    });
  }
}

export function add(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return checked(a.amount + b.amount, a.currency);
}

export function subtract(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return checked(a.amount - b.amount, a.currency);
}

export function multiply(a: Money, factor: number): Money {
  if (!Number.isSafeInteger(factor)) throw new RangeError(`factor must be a safe integer, got ${factor}`);
  return checked(a.amount * factor, a.currency);
}

export function compare(a: Money, b: Money): -1 | 0 | 1 {
  assertSameCurrency(a, b);
  return a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0;
}

export function min(a: Money, b: Money): Money {
  return compare(a, b) <= 0 ? a : b;
}

export function sum(values: readonly Money[], currency: CurrencyCode): Money {
  return values.reduce<Money>((total, value) => add(total, value), zero(currency));
}

export function isZero(a: Money): boolean {
  return a.amount === 0;
}

/** Exact, from the text: more decimals than the currency has are rejected, not rounded. */
export function parseMoney(text: string, currency: CurrencyCode | string, field = 'amount'): Money {
  const code = requireCurrency(currency, `${field}.currency`);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw invalid('INVALID_AMOUNT', `not a decimal amount: ${text}`, field);
  const [, sign = '', whole = '0', fraction = ''] = match;
  const exponent = CURRENCIES[code];
  if (fraction.length > exponent) {
    throw invalid('INVALID_AMOUNT', `${code} has ${exponent} decimals, got ${text}`, field);
  }
  const minor = BigInt(whole + fraction.padEnd(exponent, '0')) * (sign === '-' ? -1n : 1n);
  if (minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw invalid('AMOUNT_OUT_OF_RANGE', `amount ${text} exceeds the safe integer range`, field);
  }
  return { amount: Number(minor), currency: code };
}

export function formatAmount(m: Money): string {
  const exponent = CURRENCIES[m.currency];
  const digits = Math.abs(m.amount)
    .toString()
    .padStart(exponent + 1, '0');
  const sign = m.amount < 0 ? '-' : '';
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
