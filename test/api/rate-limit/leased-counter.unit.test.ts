// The leased request count against an in-memory shared count with a fake clock: a round trip per
// slice of the budget, never a caller past `max` across instances, a new window after the old one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LEASE_DIVISOR, leasedCounter, type Reserve } from '../../../src/api/rate-limit/leased-counter.ts';

function sharedCount(clock: { now: number }) {
  const windows = new Map<string, { count: number; endsAt: number }>();
  let calls = 0;
  const reserve: Reserve = async (key, tokens, windowMs) => {
    calls += 1;
    let window = windows.get(key);
    if (!window || window.endsAt <= clock.now) windows.set(key, (window = { count: 0, endsAt: clock.now + windowMs }));
    window.count += tokens;
    return { count: window.count, ttl: window.endsAt - clock.now };
  };
  return { reserve, calls: () => calls };
}

test('one round trip per slice of the budget; past the limit no round trip until the window ends', async () => {
  const clock = { now: 0 };
  const shared = sharedCount(clock);
  const increment = leasedCounter(shared.reserve, () => clock.now);
  const max = 100;
  const currents = [];
  for (let i = 0; i < max + 10; i++) currents.push((await increment('k', 1000, max)).current);
  assert.deepEqual(
    currents.slice(0, max),
    Array.from({ length: max }, (_, i) => i + 1),
  );
  assert.ok(
    currents.slice(max).every((c) => c > max),
    'refused past the limit',
  );
  assert.equal(shared.calls(), LEASE_DIVISOR);
  clock.now = 1000;
  assert.equal((await increment('k', 1000, max)).current, 1, 'a new window');
  assert.equal(shared.calls(), LEASE_DIVISOR + 1);
});

test('two instances on one count admit at most max in a window together', async () => {
  const clock = { now: 0 };
  const shared = sharedCount(clock);
  const [a, b] = [leasedCounter(shared.reserve, () => clock.now), leasedCounter(shared.reserve, () => clock.now)];
  const max = 200;
  let admitted = 0;
  await Promise.all(
    Array.from({ length: 500 }, async (_, i) => {
      if ((await (i % 3 === 0 ? a : b)('k', 1000, max)).current <= max) admitted += 1;
    }),
  );
  assert.ok(admitted <= max && admitted >= max - 2 * (max / LEASE_DIVISOR), `${admitted} admitted`);
});

test('a limit below the divisor leases one at a time (exact counts)', async () => {
  const clock = { now: 0 };
  const shared = sharedCount(clock);
  const increment = leasedCounter(shared.reserve, () => clock.now);
  const currents = [];
  for (let i = 0; i < 4; i++) currents.push((await increment('k', 1000, 3)).current);
  assert.deepEqual(currents, [1, 2, 3, 4]);
  assert.equal(shared.calls(), 3);
});
