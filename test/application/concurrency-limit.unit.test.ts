// The Gradient2 concurrency limit with a fake clock: it refuses past the limit, grows to its max while
// latency holds steady, shrinks when latency rises past twice its own long-run average under load, does
// not collapse on a machine that is uniformly slower from the start (the point of a relative target),
// grows back once a slow period ends, and an unused limit neither grows nor shrinks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConcurrencyLimit } from '../../src/application/concurrency-limit.ts';

function limiter(initial = 10) {
  const clock = { now: 0 };
  const limit = createConcurrencyLimit({
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
  /** `windows` rounds, each offering the whole limit (a loaded service) at `latencyMs`. */
  const loaded = (windows: number, latencyMs: number) => {
    for (let i = 0; i < windows; i++) round(limit.limit(), latencyMs);
    return limit.limit();
  };
  return { limit, clock, round, loaded };
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

test('steady latency under load: grows by a smoothed √limit per window up to max', () => {
  const { limit, round, loaded } = limiter(9);
  assert.equal(round(9, 20), 0);
  assert.equal(limit.limit(), 9, '9 + 0.2 × √9 = 9.6');
  assert.equal(loaded(1, 20), 10);
  assert.equal(loaded(100, 20), 40, 'never past max');
});

test('latency rising well above its long-run average under load: shrinks, by at most a tenth a window', () => {
  const { limit, round, loaded } = limiter(40);
  loaded(20, 20);
  assert.equal(loaded(1, 80), 37, '40 × 0.8 + (40 × max(0.5, 2 × 20.2/80) + √40) × 0.2');
  assert.ok(loaded(15, 80) < 20, 'four times the usual latency: the limit comes down');
  const before = limit.limit();
  assert.equal(round(40, 80), 40 - before, 'past the limit: refused at once');
  const tripled = limiter(40);
  tripled.loaded(20, 20);
  assert.ok(tripled.loaded(20, 60) < 30, 'three times: comes down too');
  const doubled = limiter(40);
  doubled.loaded(20, 20);
  assert.equal(doubled.loaded(10, 40), 40, 'twice: within the tolerance, not overload');
});

test('a machine uniformly 3 × slower from the start: the limit does not collapse, it grows to max', () => {
  const { loaded } = limiter(9);
  assert.equal(loaded(100, 60), 40);
  assert.equal(loaded(100, 60), 40);
});

test('latency back to normal after a slow period: grows back to max', () => {
  const { loaded } = limiter(40);
  loaded(20, 20);
  assert.ok(loaded(30, 80) < 15, 'overload');
  assert.equal(loaded(40, 20), 40, 'recovered within 40 windows');
});

test('after a long slow period the long-run latency comes down fast, so a new rise is seen again', () => {
  const { loaded } = limiter(40);
  loaded(20, 20);
  assert.equal(loaded(600, 80), 40, 'a lasting slowness becomes the new normal');
  assert.equal(loaded(30, 20), 40);
  // The long-run latency decayed to ~2 × 20 ms in a dozen windows; its average alone would still be ~75.
  assert.ok(loaded(10, 160) < 25, '8 × the normal latency is overload again');
});

test('an unused limit neither grows nor shrinks, whatever its latency', () => {
  const { limit, round } = limiter(20);
  for (let i = 0; i < 20; i++) round(4, 20);
  assert.equal(limit.limit(), 20, 'fast and 4 of 20 in flight: no growth');
  for (let i = 0; i < 20; i++) round(4, 2_000);
  assert.equal(limit.limit(), 20, 'slow and 4 of 20 in flight: slow requests, not overload');
});

test('a window closes only with enough samples and enough time', () => {
  const { limit, clock } = limiter(10);
  const at = limit.tryAcquire() as number;
  clock.now += 1_000;
  limit.release(at);
  assert.equal(limit.limit(), 10, 'one slow sample moves nothing');
});
