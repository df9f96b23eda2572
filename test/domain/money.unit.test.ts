import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CURRENCIES,
  add,
  compare,
  formatAmount,
  isCurrency,
  min,
  minorUnitExponent,
  money,
  multiply,
  parseMoney,
  requireMoney,
  requirePositiveMoney,
  subtract,
  sum,
} from '../../src/domain/money.ts';
import { divideRoundHalfUp, mulDivRoundHalfUp } from '../../src/domain/rounding.ts';
import { expectRejection } from './given-when-then.ts';

const eur = (amount: number) => money(amount, 'EUR');

describe('money: currencies', () => {
  it('knows the common ISO 4217 currencies with their minor-unit exponents', () => {
    const expected: Record<string, number> = {
      EUR: 2,
      USD: 2,
      GBP: 2,
      PLN: 2,
      CHF: 2,
      SEK: 2,
      NOK: 2,
      DKK: 2,
      CZK: 2,
      HUF: 2,
      JPY: 0,
      KRW: 0,
      BHD: 3,
      KWD: 3,
      INR: 2,
      BRL: 2,
      CAD: 2,
      AUD: 2,
      ZAR: 2,
      TRY: 2,
      MXN: 2,
    };
    for (const [code, exponent] of Object.entries(expected)) {
      assert.ok(isCurrency(code), code);
      if (isCurrency(code)) assert.equal(minorUnitExponent(code), exponent, code);
    }
    assert.ok(Object.keys(CURRENCIES).length >= 30);
  });

  it('rejects unknown, lower-case and inherited names', () => {
    for (const code of ['XYZ', 'eur', 'toString', '', 42, null]) assert.equal(isCurrency(code), false, String(code));
  });
});

describe('money: construction and validation', () => {
  it('builds integer minor-unit money', () => {
    assert.deepEqual(money(999, 'EUR'), { amount: 999, currency: 'EUR' });
  });

  it('rejects fractional, unsafe and non-finite amounts', () => {
    for (const amount of [9.99, 0.1, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Infinity]) {
      expectRejection(() => money(amount, 'EUR'), 'INVALID_AMOUNT', { field: 'amount', kind: 'invalid' });
    }
  });

  it('rejects an unknown currency', () => {
    expectRejection(() => money(1, 'XXX'), 'INVALID_CURRENCY', { field: 'amount.currency' });
  });

  it('validates untrusted money values', () => {
    assert.deepEqual(requireMoney({ amount: 5, currency: 'PLN' }), { amount: 5, currency: 'PLN' });
    expectRejection(() => requireMoney('5 EUR'), 'INVALID_AMOUNT', { field: 'amount' });
    expectRejection(() => requireMoney({ amount: '5', currency: 'EUR' }), 'INVALID_AMOUNT', { field: 'amount.amount' });
    expectRejection(() => requireMoney({ amount: 5, currency: 'EURO' }), 'INVALID_CURRENCY', {
      field: 'amount.currency',
    });
    expectRejection(() => requirePositiveMoney({ amount: 0, currency: 'EUR' }), 'INVALID_AMOUNT');
    expectRejection(() => requirePositiveMoney({ amount: -1, currency: 'EUR' }), 'INVALID_AMOUNT');
  });
});

describe('money: arithmetic', () => {
  it('adds, subtracts, multiplies and sums exactly', () => {
    // 0.1 + 0.2 is the classic float trap; in minor units it is simply 10 + 20.
    assert.deepEqual(add(eur(10), eur(20)), eur(30));
    assert.deepEqual(subtract(eur(10), eur(25)), eur(-15));
    assert.deepEqual(multiply(eur(15), 7), eur(105));
    assert.deepEqual(sum([eur(1), eur(2), eur(3)], 'EUR'), eur(6));
    assert.deepEqual(sum([], 'JPY'), money(0, 'JPY'));
  });

  it('compares and takes the minimum', () => {
    assert.equal(compare(eur(1), eur(2)), -1);
    assert.equal(compare(eur(2), eur(2)), 0);
    assert.equal(compare(eur(3), eur(2)), 1);
    assert.deepEqual(min(eur(3), eur(2)), eur(2));
  });

  it('rejects mixing currencies', () => {
    const pln = money(1, 'PLN');
    expectRejection(() => add(eur(1), pln), 'CURRENCY_MISMATCH', { kind: 'invalid' });
    expectRejection(() => subtract(eur(1), pln), 'CURRENCY_MISMATCH');
    expectRejection(() => compare(eur(1), pln), 'CURRENCY_MISMATCH');
    expectRejection(() => sum([pln], 'EUR'), 'CURRENCY_MISMATCH');
  });

  it('refuses results outside the safe integer range', () => {
    expectRejection(() => add(eur(Number.MAX_SAFE_INTEGER), eur(1)), 'AMOUNT_OUT_OF_RANGE');
    expectRejection(() => multiply(eur(Number.MAX_SAFE_INTEGER), 2), 'AMOUNT_OUT_OF_RANGE');
  });
});

describe('money: decimal text', () => {
  it('parses major-unit text exactly for 2, 0 and 3 decimal currencies', () => {
    assert.deepEqual(parseMoney('9.99', 'EUR'), eur(999));
    assert.deepEqual(parseMoney('9.9', 'EUR'), eur(990));
    assert.deepEqual(parseMoney('-0.05', 'EUR'), eur(-5));
    assert.deepEqual(parseMoney('1000', 'JPY'), money(1000, 'JPY'));
    assert.deepEqual(parseMoney('1.250', 'KWD'), money(1250, 'KWD'));
    assert.deepEqual(parseMoney('0.001', 'BHD'), money(1, 'BHD'));
  });

  it('rejects more decimals than the currency has (no silent rounding)', () => {
    expectRejection(() => parseMoney('9.999', 'EUR'), 'INVALID_AMOUNT');
    expectRejection(() => parseMoney('1.5', 'JPY'), 'INVALID_AMOUNT');
    expectRejection(() => parseMoney('1e3', 'EUR'), 'INVALID_AMOUNT');
    expectRejection(() => parseMoney('99999999999999999', 'EUR'), 'AMOUNT_OUT_OF_RANGE');
  });

  it('formats with exactly the currency decimals', () => {
    assert.equal(formatAmount(eur(999)), '9.99');
    assert.equal(formatAmount(eur(5)), '0.05');
    assert.equal(formatAmount(eur(-5)), '-0.05');
    assert.equal(formatAmount(money(1000, 'JPY')), '1000');
    assert.equal(formatAmount(money(1250, 'KWD')), '1.250');
    assert.equal(formatAmount(money(7, 'BHD')), '0.007');
  });
});

describe('rounding: one rule, half up, applied once', () => {
  it('rounds exact halves up and below-half down', () => {
    assert.equal(divideRoundHalfUp(5n, 10n), 1n); // 0.5 -> 1
    assert.equal(divideRoundHalfUp(4n, 10n), 0n); // 0.4 -> 0
    assert.equal(divideRoundHalfUp(15n, 10n), 2n); // 1.5 -> 2
    assert.equal(divideRoundHalfUp(149n, 100n), 1n); // 1.49 -> 1
    assert.equal(divideRoundHalfUp(0n, 7n), 0n);
  });

  it('is symmetric for negative values (half away from zero)', () => {
    assert.equal(divideRoundHalfUp(-5n, 10n), -1n);
    assert.equal(divideRoundHalfUp(-4n, 10n), 0n);
  });

  it('multiplies before dividing, beyond 2^53 in between', () => {
    // 9_007_199_254_740_991 × 3 / 3 overflows a double in the middle, not in BigInt.
    assert.equal(mulDivRoundHalfUp(Number.MAX_SAFE_INTEGER, 3, 3), Number.MAX_SAFE_INTEGER);
    assert.equal(mulDivRoundHalfUp(999, 15, 31), 483); // 483.387... -> 483
    assert.equal(mulDivRoundHalfUp(1, 1, 2), 1); // 0.5 -> 1
  });

  it('refuses a zero divisor and non-integers', () => {
    assert.throws(() => divideRoundHalfUp(1n, 0n), RangeError);
    assert.throws(() => mulDivRoundHalfUp(1.5, 1, 1), RangeError);
  });

  it('refuses a result outside the safe integer range', () => {
    expectRejection(() => mulDivRoundHalfUp(Number.MAX_SAFE_INTEGER, 2, 1), 'AMOUNT_OUT_OF_RANGE');
  });
});
