// XFetch's decision with injected randomness: recompute when now − Δ·β·ln(rand) ≥ expiry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xfetchShouldRecompute } from '../../src/cache/xfetch.ts';

test('at or after expiry it always recomputes', () => {
  assert.equal(
    xfetchShouldRecompute(1000, 1000, 0, 1, () => 0.999),
    true,
  );
  assert.equal(
    xfetchShouldRecompute(2000, 1000, 50, 1, () => 0.999),
    true,
  );
});

test('the early margin is Δ·β·(−ln rand)', () => {
  // −ln(e^-2) = 2: margin = Δ·β·2 = 100 ms with Δ = 50, β = 1.
  const rand = () => Math.exp(-2);
  assert.equal(xfetchShouldRecompute(900, 1000, 50, 1, rand), true); // 900 + 100 ≥ 1000
  assert.equal(xfetchShouldRecompute(899, 1000, 50, 1, rand), false);
  // β = 2 doubles the margin.
  assert.equal(xfetchShouldRecompute(800, 1000, 50, 2, rand), true);
  assert.equal(xfetchShouldRecompute(799, 1000, 50, 2, rand), false);
});

test('a free recompute (Δ = 0) never starts early; rand() = 0 always does', () => {
  assert.equal(
    xfetchShouldRecompute(999, 1000, 0, 1, () => 0.0001),
    false,
  );
  assert.equal(
    xfetchShouldRecompute(0, 1000, 1, 1, () => 0),
    true,
  );
});

test('the probability of an early recompute at time t is exp(−(expiry − t)/(Δβ))', () => {
  // Deterministic quasi-random sweep over (0, 1): the share that recomputes matches the formula.
  const n = 10_000;
  let i = 0;
  const rand = () => (i++ + 0.5) / n;
  let early = 0;
  for (let k = 0; k < n; k++) if (xfetchShouldRecompute(900, 1000, 100, 1, rand)) early += 1;
  assert.ok(Math.abs(early / n - Math.exp(-1)) < 0.01, `share ${early / n}`);
});
