// The load generator's pure parts: open-loop pacing, the traffic mix, Zipf skew, duration parsing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schedule } from '../../src/load/pacing.ts';
import { DEFAULT_MIX, meanEvents, mixPicker, operationRate, parseMix, type Operation } from '../../src/load/mix.ts';
import { seededRandom, zipfSampler } from '../../src/load/random.ts';
import { percentiles } from '../../src/load/stats.ts';
import { parseDuration } from '../../src/cli/load.ts';

test('pacing: operations are due on schedule whatever the caller did, phase by phase', () => {
  const plan = schedule([
    { durationMs: 1_000, opsPerSecond: 10 },
    { durationMs: 1_000, opsPerSecond: 0 },
    { durationMs: 500, opsPerSecond: 20 },
  ]);
  assert.equal(plan.totalMs, 2_500);
  assert.deepEqual(plan.due(0), [0]);
  // A caller that stalled 450 ms gets every operation that fell due, at its scheduled time (open loop).
  assert.deepEqual(plan.due(450), [100, 200, 300, 400]);
  assert.deepEqual(plan.due(450), []);
  const rest = plan.due(10_000);
  assert.deepEqual(rest.slice(0, 5), [500, 600, 700, 800, 900]);
  // The pause phase has nothing; the last phase runs at 20/s from 2,000 ms.
  assert.deepEqual(rest.slice(5), [2000, 2050, 2100, 2150, 2200, 2250, 2300, 2350, 2400, 2450]);
  assert.deepEqual(plan.due(20_000), []);
});

test('pacing: a long run keeps the exact count (no drift from rounding)', () => {
  const plan = schedule([{ durationMs: 60_000, opsPerSecond: 94.77 }]);
  let count = 0;
  for (let t = 0; t < 60_000; t += 7) count += plan.due(t).length;
  count += plan.due(60_000).length;
  assert.equal(count, Math.ceil(60 * 94.77));
});

test('mix: the picker holds the weights exactly over each cycle, and rates follow the mean events', () => {
  const pick = mixPicker({ usage: 6, order: 1, payment: 1, customer: 2, read: 0 });
  const counts = new Map<Operation, number>();
  for (let i = 0; i < 1_000; i++) {
    const op = pick();
    counts.set(op, (counts.get(op) ?? 0) + 1);
  }
  assert.deepEqual(Object.fromEntries(counts), { usage: 600, order: 100, payment: 100, customer: 200 });
  // usage 100 events, order 4, payment 2, customer 1 → mean 60 + 0.4 + 0.2 + 0.2 = 60.8 events/op.
  assert.ok(Math.abs(meanEvents({ usage: 6, order: 1, payment: 1, customer: 2, read: 0 }, 100) - 60.8) < 1e-9);
  assert.ok(Math.abs(operationRate(6_080, { usage: 6, order: 1, payment: 1, customer: 2, read: 0 }, 100) - 100) < 1e-9);
  assert.equal(operationRate(50, { ...DEFAULT_MIX, usage: 0, order: 0, payment: 0, customer: 0, read: 1 }, 100), 50);
});

test('mix: parsed from text; unknown operations and bad weights are refused', () => {
  assert.deepEqual(parseMix('usage=90, read=10'), { usage: 90, order: 0, payment: 0, customer: 0, read: 10 });
  assert.throws(() => parseMix('usage=1,invoice=2'), /unknown operation "invoice"/);
  assert.throws(() => parseMix('usage=-1'), /weight >= 0/);
  assert.throws(() => parseMix('usage=0'), /at least one/);
});

test('zipf: s = 0 is uniform, s = 1 favours low ranks as 1/k, and a seed repeats the draw', () => {
  const n = 10;
  const draws = 200_000;
  const histogram = (s: number, seed: number) => {
    const sample = zipfSampler(n, s, seededRandom(seed));
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < draws; i++) counts[sample()]! += 1;
    return counts;
  };
  for (const c of histogram(0, 7)) assert.ok(Math.abs(c / draws - 0.1) < 0.01, `uniform share ${c / draws}`);
  const skewed = histogram(1, 7);
  const harmonic = Array.from({ length: n }, (_, k) => 1 / (k + 1)).reduce((a, b) => a + b, 0);
  skewed.forEach((c, k) => {
    const expected = 1 / (k + 1) / harmonic;
    assert.ok(Math.abs(c / draws - expected) < 0.01, `rank ${k}: ${c / draws} vs ${expected}`);
  });
  assert.deepEqual(histogram(1, 7), skewed);
  assert.throws(() => zipfSampler(0, 1, Math.random), /positive integer/);
});

test('percentiles are nearest-rank; durations parse with units', () => {
  const p = percentiles(Array.from({ length: 100 }, (_, i) => 100 - i));
  assert.deepEqual([p.p50, p.p95, p.p99, p.max, p.count], [50, 95, 99, 100, 100]);
  assert.ok(Number.isNaN(percentiles([]).p99));
  assert.equal(parseDuration('90'), 90_000);
  assert.equal(parseDuration('1500ms'), 1_500);
  assert.equal(parseDuration('10m'), 600_000);
  assert.throws(() => parseDuration('ten'), /not a duration/);
});
