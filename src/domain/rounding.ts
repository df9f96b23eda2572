// Exact rational arithmetic (BigInt), rounded once at the end, half away from zero: one rule for the domain.

import { invalid } from './rejection.ts';

export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const quotient = n / denominator;
  const remainder = n % denominator;
  const rounded = 2n * remainder >= denominator ? quotient + 1n : quotient;
  return negative ? -rounded : rounded;
}

export function mulDivRoundHalfUp(amount: number, multiplier: number, divisor: number): number {
  for (const value of [amount, multiplier, divisor]) {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
  }
  const result = divideRoundHalfUp(BigInt(amount) * BigInt(multiplier), BigInt(divisor));
  return toSafeNumber(result);
}

export function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw invalid('AMOUNT_OUT_OF_RANGE', `amount ${value} exceeds the safe integer range`, 'amount');
  }
  return Number(value);
}
