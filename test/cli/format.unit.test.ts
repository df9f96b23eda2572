import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currencyExponent, formatDuration, formatMoney } from '../../src/cli/format.ts';

test('durations in their two largest units, not a pile of seconds', () => {
  assert.equal(formatDuration(535_680_000), '6 d 4 h');
  assert.equal(formatDuration(3_600_000), '1 h');
  assert.equal(formatDuration(61_000), '1 min 1 s');
  assert.equal(formatDuration(12_400), '12 s');
  assert.equal(formatDuration(250), '250 ms');
  assert.equal(formatDuration(Number.POSITIVE_INFINITY), 'unknown');
});

test("money with its currency's minor-unit exponent, exactly", () => {
  assert.equal(formatMoney(1013, 'EUR'), '10.13 EUR');
  assert.equal(formatMoney(-5, 'EUR'), '-0.05 EUR');
  assert.equal(formatMoney(0, 'USD'), '0.00 USD');
  assert.equal(formatMoney(1013, 'JPY'), '1013 JPY');
  assert.equal(formatMoney(1013, 'KWD'), '1.013 KWD');
  assert.equal(formatMoney(123_456_789_012, 'EUR'), '1234567890.12 EUR');
  assert.equal(formatMoney(7, null), '7', 'no currency yet: the bare amount');
  assert.equal(currencyExponent('XXX-not-a-code'), 2);
});
