// The adaptive concurrency limit with a fake clock: it refuses past the limit, grows while the p90
// latency stays under the target and the limit is used, shrinks (at most by half a window) when it
// does not, keeps within min and max and above the best recent throughput × the target, and an unused
// limit neither shrinks nor stays small.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConcurrencyLimit } from '../../src/application/concurrency-limit.ts';

function limiter(initial = 10) {
  const clock = { now: 0 };
  const limit = createConcurrencyLimit({
    targetMs: 100,
    initial,
    min: 2,
    max: 40,
    windowMs: 100,
    windowSamples: 4,
    now: () => clock.now,
  });
  /** One window: `n` requests tried at once, the admitted ones answered after `latencyMs`; how many were refused. */
  const round = (n: number, latencyMs: number) => {
    const admitted = Array.from({ length: n }, () => limit.tryAcquire()).filter((at) => at !== undefined);
    // All but the last answered within the window (no window closes before it has lasted 100 ms)...
    admitted.slice(1).forEach(() => limit.release(clock.now - latencyMs));
    clock.now += Math.max(latencyMs, 100); // ...the last closes it: n answers in latencyMs
    if (admitted.length > 0) limit.release(clock.now - latencyMs);
    return n - admitted.length;
  };
  return { limit, clock, round };
}

test('requests past the limit are refused; a release frees a slot', () => {
  const { limit } = limiter(2);
  const first = limit.tryAcquire();
  assert.notEqual(first, undefined);
  assert.notEqual(limit.tryAcquire(), undefined);
  assert.equal(limit.tryAcquire(), undefined, 'the third is refused');
  assert.equal(limit.inFlight(), 2);
  limit.release(first as number);
  assert.notEqual(limit.tryAcquire(), undefined);
});

test('grows by √limit per window while latency is under the target and the limit is used', () => {
  const { limit, round } = limiter(9);
  assert.equal(round(9, 20), 0);
  assert.equal(limit.limit(), 12, '9 + √9');
  for (let i = 0; i < 20; i++) round(limit.limit(), 20);
  assert.equal(limit.limit(), 40, 'never past max');
});

test('shrinks by target / p90, at most by half a window, never under min', () => {
  const { limit, round } = limiter(20);
  round(20, 125);
  assert.equal(limit.limit(), 16, '20 × 100/125');
  const fresh = limiter(20);
  fresh.round(20, 1_000);
  assert.equal(fresh.limit.limit(), 10, 'halved, not divided by 10');
  for (let i = 0; i < 5; i++) fresh.round(fresh.limit.limit(), 1_000);
  assert.equal(fresh.limit.limit(), 2, 'min');
  assert.equal(fresh.round(10, 1_000), 8, 'past the limit: refused at once');
});

test('never shrinks below the best recent throughput × the target (Little): goodput is kept', () => {
  const { limit, round } = limiter(20);
  round(20, 100); // 0.2 answers per ms at the target: grows to 24
  assert.equal(limit.limit(), 24);
  round(24, 400);
  assert.equal(limit.limit(), 19, 'not 12: 0.2/ms × 100 ms (faded by 0.998) carries the best throughput');
  round(19, 400);
  assert.equal(limit.limit(), 19);
});

test('an unused limit does not shrink on a few slow requests and returns to the initial one', () => {
  const { limit, round } = limiter(20);
  round(4, 2_000);
  assert.equal(limit.limit(), 20, '4 in flight of 20: slow requests, not overload');
  round(20, 1_000);
  round(10, 1_000);
  assert.equal(limit.limit(), 5, 'used and slow: shrinks (20 → 10 → 5)');
  round(2, 10);
  round(2, 10); // a window needs 4 answers
  assert.equal(limit.limit(), 20, 'unused and fast: back to the initial limit');
});

test('a window closes only with enough samples and enough time', () => {
  const { limit, clock } = limiter(10);
  const at = limit.tryAcquire() as number;
  clock.now += 1_000;
  limit.release(at);
  assert.equal(limit.limit(), 10, 'one slow sample moves nothing');
});
