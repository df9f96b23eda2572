// `bss billing run`'s period: a month as YYYY-MM, by default the last one that has ended; anything else
// is a usage error (exit 64) naming the flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { billingPeriod } from '../../src/cli/billing.ts';
import { UsageError } from '../../src/cli/common.ts';

test('--period YYYY-MM is that month, half-open, across a year end', () => {
  assert.deepEqual(billingPeriod('2026-11'), { from: '2026-11-01', to: '2026-12-01' });
  assert.deepEqual(billingPeriod('2026-12'), { from: '2026-12-01', to: '2027-01-01' });
});

test('without --period: the last month that has ended', () => {
  assert.deepEqual(billingPeriod(undefined, new Date('2026-12-06T03:00:00Z')), {
    from: '2026-11-01',
    to: '2026-12-01',
  });
  assert.deepEqual(billingPeriod(undefined, new Date('2027-01-01T00:00:00Z')), {
    from: '2026-12-01',
    to: '2027-01-01',
  });
});

test('a period that is not YYYY-MM is a usage error naming --period', () => {
  for (const bad of ['2026-13', '2026-1', '11-2026', '2026-11-01', '']) {
    assert.throws(
      () => billingPeriod(bad),
      (e: unknown) => e instanceof UsageError && /--period/.test(e.message),
      bad,
    );
  }
});
