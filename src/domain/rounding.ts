// Exact integer arithmetic for money. Rating and pro-rating multiply an integer
// price by a ratio (seconds/60, kilobytes/1024, days/daysInPeriod). We compute the
// exact rational numerator/denominator with BigInt (no overflow, no floats) and
// round ONCE, at the end, with a single rule for the whole domain:
//
//   ROUND HALF UP — to the nearest minor unit; an exact half goes away from zero
//   (for the non-negative amounts of rating and pro-rating this is plain "half up":
//   0.5 cent -> 1 cent, 0.49 cent -> 0 cent).
//
// Intermediate results are never rounded, so a line is rounded exactly once.

import { invalid } from './rejection.ts';

/** numerator / denominator rounded half away from zero; denominator must be > 0. */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const quotient = n / denominator;
  const remainder = n % denominator;
  // remainder/denominator >= 1/2  <=>  2*remainder >= denominator
  const rounded = 2n * remainder >= denominator ? quotient + 1n : quotient;
  return negative ? -rounded : rounded;
}

/** amount × multiplier / divisor, exact, rounded once half up; all arguments safe integers. */
export function mulDivRoundHalfUp(amount: number, multiplier: number, divisor: number): number {
  for (const value of [amount, multiplier, divisor]) {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
  }
  const result = divideRoundHalfUp(BigInt(amount) * BigInt(multiplier), BigInt(divisor));
  return toSafeNumber(result);
}

/** Converts back to number, refusing anything that would lose precision. */
export function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw invalid('AMOUNT_OUT_OF_RANGE', `amount ${value} exceeds the safe integer range`, 'amount');
  }
  return Number(value);
}
