// Live's way into the Timeline: the window of the latest error spike, else of the last 10 seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorMoment } from '../../console/src/spike.ts';

const samples = (errors: number[]) =>
  errors.map((errorsPerSecond, i) => ({ t: 1_000_000 + i * 1000, errorsPerSecond }));

test('the first sample of the latest run with errors: its 10 s window holds them', () => {
  const moment = errorMoment(samples([0, 2, 2, 0, 0, 0.5, 1, 1, 0]));
  assert.deepEqual(moment, {
    t: 1_005_000,
    errorsPerSecond: 0.5,
    window: { start: 995_000, end: 1_006_000 },
  });
});

test('without errors, the last 10 seconds; without samples, nothing', () => {
  assert.deepEqual(errorMoment(samples([0, 0, 0])), {
    t: 1_002_000,
    errorsPerSecond: null,
    window: { start: 992_000, end: 1_003_000 },
  });
  assert.equal(errorMoment([]), undefined);
  assert.equal(errorMoment(samples([3]))?.errorsPerSecond, 3);
});
