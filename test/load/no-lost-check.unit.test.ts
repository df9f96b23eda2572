// The no-lost check by record id: a record stored although the client never saw its answer passes;
// a lost, doubled or invented record fails its own statement, which names it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noLostCheck, type NoLostInput } from '../../src/load/no-lost-check.ts';

const ids = (...n: number[]) => n.map((i) => `r-${i}`);
const events = (...n: number[]) => n.map((i) => ({ eventId: `e-${i}`, recordId: `r-${i}` }));

/** Sent r-1..r-4, acknowledged r-1, r-2; r-3 committed although the client gave up on it; r-4 never arrived. */
const consistent: NoLostInput = {
  sent: new Set(ids(1, 2, 3, 4)),
  acknowledged: new Set(ids(1, 2)),
  rows: ids(1, 2, 3),
  log: events(1, 2, 3),
  otherEvents: { found: 10, expected: 10 },
};

test('records the client gave up on but the service stored: everything holds, and they are counted', () => {
  const verdict = noLostCheck(consistent);
  assert.equal(verdict.pass, true);
  assert.deepEqual(verdict.counts, {
    sent: 4,
    acknowledged: 2,
    rows: 3,
    logRecords: 3,
    logEvents: 3,
    republished: 0,
    storedUnacknowledged: 1,
  });
  assert.equal(
    verdict.nothingLost.measured,
    '2 acknowledged: 0 missing from the usage rows, 0 missing from the log; 0 rows without their event',
  );
  assert.equal(
    verdict.nothingInvented.measured,
    '4 sent: 0 rows and 0 logged records never sent; 0 events without their row',
  );
});

test('a republished record (one event id twice in the log) doubles nothing', () => {
  const verdict = noLostCheck({ ...consistent, log: [...events(1, 2, 3), ...events(2)] });
  assert.equal(verdict.pass, true);
  assert.equal(verdict.counts.republished, 1);
  assert.match(verdict.nothingDoubled.measured, /3 distinct usage event ids .* \(4 records, 1 republished\)/);
});

test('an acknowledged record missing from the rows, or from the log, is lost', () => {
  const noRow = noLostCheck({ ...consistent, rows: ids(1, 3), log: events(1, 3) });
  assert.equal(noRow.pass, false);
  assert.equal(noRow.nothingLost.pass, false);
  assert.deepEqual(noRow.nothingLost.sample, ['r-2', 'r-2']);
  assert.match(noRow.nothingLost.measured, /1 missing from the usage rows, 1 missing from the log/);

  const noEvent = noLostCheck({ ...consistent, log: events(1, 3) });
  assert.equal(noEvent.nothingLost.pass, false);
  assert.match(noEvent.nothingLost.measured, /0 missing from the usage rows, 1 missing from the log; 1 rows without/);
  assert.equal(noEvent.nothingInvented.pass, true);
});

test('a row twice, a record under two event ids, or setup events off count are doubled', () => {
  const twoRows = noLostCheck({ ...consistent, rows: ids(1, 2, 3, 2) });
  assert.equal(twoRows.nothingDoubled.pass, false);
  assert.deepEqual(twoRows.nothingDoubled.sample, ['r-2']);
  assert.match(twoRows.nothingDoubled.measured, /^4 rows for 3 record ids/);

  const twoEvents = noLostCheck({ ...consistent, log: [...events(1, 2, 3), { eventId: 'e-9', recordId: 'r-1' }] });
  assert.equal(twoEvents.nothingDoubled.pass, false);
  assert.deepEqual(twoEvents.nothingDoubled.sample, ['r-1']);

  const setup = noLostCheck({ ...consistent, otherEvents: { found: 11, expected: 10 } });
  assert.equal(setup.pass, false);
  assert.match(setup.nothingDoubled.measured, /other distinct event ids 11 = 10 setup events$/);
  assert.equal(setup.nothingLost.pass && setup.nothingInvented.pass, true);
});

test('a row or an event whose record was never sent, or an event without its row, is invented', () => {
  const row = noLostCheck({ ...consistent, rows: ids(1, 2, 3, 7), log: events(1, 2, 3, 7) });
  assert.equal(row.pass, false);
  assert.equal(row.nothingLost.pass, true);
  assert.deepEqual(row.nothingInvented.sample, ['r-7', 'r-7']);
  assert.match(row.nothingInvented.measured, /1 rows and 1 logged records never sent; 0 events without/);

  const eventOnly = noLostCheck({ ...consistent, log: events(1, 2, 3, 4) });
  assert.equal(eventOnly.nothingInvented.pass, false);
  assert.match(
    eventOnly.nothingInvented.measured,
    /0 rows and 0 logged records never sent; 1 events without their row$/,
  );
});
