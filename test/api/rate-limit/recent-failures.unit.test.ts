// The local set of addresses with recent failed sign-ins (fake shared clock and fetch): other
// instances' failures arrive at the next refresh, at most refreshMs apart; a failed refresh is
// retried by the next call instead of waiting a whole interval.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recentFailures } from '../../../src/api/rate-limit/recent-failures.ts';

function shared(clock: { now: number }) {
  const noted: Array<{ address: string; at: number }> = [];
  let fetches = 0;
  let down = false;
  return {
    note: (address: string) => noted.push({ address, at: clock.now }),
    fetch: async (sinceMs: number) => {
      fetches += 1;
      if (down) throw new Error('redis down');
      return { nowMs: clock.now, addresses: noted.filter((n) => n.at >= sinceMs).map((n) => n.address) };
    },
    fetches: () => fetches,
    setDown: (value: boolean) => (down = value),
  };
}

/** A set refreshed once a second over a one-minute window, on a fake clock and a fake shared store. */
function setUp() {
  const clock = { now: 10_000 };
  const redis = shared(clock);
  const errors: Error[] = [];
  const set = recentFailures({
    windowMs: 60_000,
    refreshMs: 1000,
    fetch: redis.fetch,
    onError: (e) => errors.push(e),
    now: () => clock.now,
  });
  return { clock, redis, errors, set };
}

test('own failures count at once; other instances’ within one refresh; one fetch per refresh', async () => {
  const { clock, redis, errors, set } = setUp();
  assert.equal(await set.includes('a'), false);
  set.add('a');
  assert.equal(await set.includes('a'), true);
  redis.note('b');
  for (let i = 0; i < 10; i++) assert.equal(await set.includes('b'), false, 'not before the next refresh');
  assert.equal(redis.fetches(), 1);
  clock.now += 1000;
  assert.equal(await set.includes('b'), true);
  assert.equal(redis.fetches(), 2);
  clock.now += 60_000;
  assert.equal(await set.includes('a'), false, 'gone with its window');
  assert.deepEqual(errors, []);
});

test('a failed refresh is retried by the next call', async () => {
  const { redis, errors, set } = setUp();
  redis.setDown(true);
  redis.note('c');
  assert.equal(await set.includes('c'), false);
  redis.setDown(false);
  assert.equal(await set.includes('c'), true);
  assert.equal(errors.length, 1);
});
