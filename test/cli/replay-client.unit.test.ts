// The progress line of `bss replay run`: bar (terminal only), percent, processed/total, events/s, ETA.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressLine, type JobSnapshot } from '../../src/cli/replay-client.ts';

const job = (processed: number, total: number, throughput: number, status = 'RUNNING'): JobSnapshot => ({
  id: 'j',
  status,
  progress: { processed, total, percent: Math.round((1000 * processed) / total) / 10 },
  delivered: processed,
  errorCount: 0,
  throughput,
  failure: null,
  finishedAt: null,
});

test('a running job: bar, percent, counts, rate and the time left', () => {
  assert.equal(progressLine(job(2500, 10_000, 500), 10), '[###.......] 25.0% 2500/10000 500 ev/s ETA 15s RUNNING');
  assert.equal(progressLine(job(1000, 200_000, 100), 0), '0.5% 1000/200000 100 ev/s ETA 33m RUNNING');
});

test('no ETA before a rate is known or once everything is processed', () => {
  assert.equal(progressLine(job(0, 10, 0), 0), '0.0% 0/10 0 ev/s RUNNING');
  assert.equal(progressLine(job(10, 10, 40, 'COMPLETED'), 4), '[####] 100.0% 10/10 40 ev/s COMPLETED');
});
