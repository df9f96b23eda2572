// The e2e bench's minute-by-minute summary: rates from cumulative counters, worst gauges, lock waits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { perMinute, type Tick } from '../../bench/e2e/timeline.ts';

const tick = (t: number, over: Partial<Tick> = {}): Tick => ({
  t,
  phase: 'main',
  backlog: 0,
  lag: 0,
  published: 0,
  cpuS: t * 0.5,
  gcS: t * 0.04,
  shed: 0,
  ops: t * 100,
  opsS: t * 100 * 0.02,
  loopLagMaxMs: 30,
  heapMB: 200,
  pgWaits: {},
  vacuuming: [],
  ...over,
});

test('each minute of the phase: operations/s, their mean, CPU, GC, worst lag and heap, refusals, lock waits', () => {
  const ticks = [tick(0, { phase: 'setup' }), ...Array.from({ length: 60 }, (_, i) => tick(2 + i * 2))].map((t) =>
    t.t === 70 ? { ...t, loopLagMaxMs: 480, heapMB: 650, pgWaits: { 'Lock:transactionid': 2 } } : t,
  );
  ticks.push(tick(122, { shed: 7, vacuuming: ['bench_e2e_x.outbox'] }));
  const rows = perMinute(ticks, 'main');
  assert.equal(rows.length, 3);
  assert.deepEqual(rows[0], {
    minute: 1,
    'operations/s': 100,
    'operation mean ms': 20,
    'service CPU %': 50,
    'GC ms/s': 40,
    'loop lag max ms': 30,
    'heap MB max': 200,
    refusals: 0,
    'lock waits seen': 0,
    vacuums: '',
  });
  assert.equal(rows[1]?.['loop lag max ms'], 480);
  assert.equal(rows[1]?.['heap MB max'], 650);
  assert.equal(rows[1]?.['lock waits seen'], 2);
  assert.equal(rows[2]?.['refusals'], 7);
  assert.equal(rows[2]?.['vacuums'], 'outbox');
});
