// Paced waits longer than a Node timer can hold (2^31 − 1 ms, ~24.8 days): on mocked timers and Date,
// with setTimeout behaving as Node's does past that limit (it fires after 1 ms), a quiet gap of a
// REAL_TIME replay is waited out in full, and a cancel still ends the wait at once.
import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cancelled, createPacer, MAX_TIMER_MS, sleep } from '../../../src/replay/shared/speed.ts';

const DAY = 86_400_000;
let delays: number[];

beforeEach(() => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.parse('2026-01-01T00:00:00Z') });
  const mocked = globalThis.setTimeout;
  delays = [];
  // Node's real timers turn a delay above MAX_TIMER_MS into 1 ms (TimeoutOverflowWarning): so does this one.
  mock.method(globalThis, 'setTimeout', (fn: () => void, ms: number) => {
    delays.push(ms);
    return mocked(fn, ms > MAX_TIMER_MS ? 1 : ms);
  });
});
afterEach(() => {
  mock.restoreAll();
  mock.timers.reset();
});

/** Advances the mocked clock a day at a time, letting each chained timer be set before the next day. */
async function days(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    mock.timers.tick(DAY);
    for (let j = 0; j < 10; j++) await Promise.resolve();
  }
}

/** Whether the promise has settled, after the microtasks the timers queued have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 10; i++) await Promise.resolve();
  return done;
}

test('a wait of 60 days is chained timers of at most 2^31 − 1 ms and lasts 60 days', async () => {
  const waiting = sleep(60 * DAY, new AbortController().signal);
  await days(59);
  assert.equal(await settled(waiting), false, 'still waiting after 59 days');
  await days(1);
  assert.equal(await settled(waiting), true);
  assert.equal(delays.length, 3, `delays ${delays.join(', ')}`);
  assert.ok(
    delays.every((ms) => ms <= MAX_TIMER_MS),
    `delays ${delays.join(', ')}`,
  );
});

test('a long wait is cancelled at once, in any of its chunks', async () => {
  const abort = new AbortController();
  const waiting = sleep(100 * DAY, abort.signal);
  await days(40);
  assert.equal(await settled(waiting), false);
  abort.abort();
  await assert.rejects(waiting, Cancelled);
  await assert.rejects(sleep(DAY, abort.signal), Cancelled);
});

test('REAL_TIME pacing keeps a 30-day quiet gap between two events; FAST a tenth of it', async () => {
  const t0 = Date.parse('2020-01-01T00:00:00Z');
  const signal = new AbortController().signal;
  const realTime = createPacer('REAL_TIME', t0);
  await realTime.until(t0, signal);
  const gap = realTime.until(t0 + 30 * DAY, signal);
  await days(29);
  assert.equal(await settled(gap), false, 'not due before 30 days');
  await days(1);
  assert.equal(await settled(gap), true);

  const fast = createPacer('FAST', t0);
  const tenth = fast.until(t0 + 300 * DAY, signal);
  await days(29);
  assert.equal(await settled(tenth), false);
  await days(1);
  assert.equal(await settled(tenth), true);
});
