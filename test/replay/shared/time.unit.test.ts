// Replay times are strict: RFC 3339 date-times, ISO-8601 dates and integer epoch milliseconds within
// what a Date holds. Date.parse's guesses ("-5" as 2001-05-01, "1.5" as 2001-01-05) are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TIME_MS, parseReplayTime, toMillis } from '../../../src/replay/shared/time.ts';

test('accepted: RFC 3339 date-times with an offset, ISO dates, integer epoch ms within ±8.64e15', () => {
  const cases: [string, number][] = [
    ['2025-03-01T10:00:00Z', Date.UTC(2025, 2, 1, 10)],
    ['2025-03-01T10:00:00.250+01:00', Date.UTC(2025, 2, 1, 9, 0, 0, 250)],
    ['2025-03-01T10:00Z', Date.UTC(2025, 2, 1, 10)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['0', 0],
    ['-5', -5],
    ['2001', 2001], // digits are milliseconds, never a year
    ['8640000000000000', MAX_TIME_MS],
    ['-8640000000000000', -MAX_TIME_MS],
  ];
  for (const [text, ms] of cases) assert.equal(parseReplayTime(text), ms, text);
  assert.equal(toMillis(new Date(Date.UTC(2025, 0, 1))), Date.UTC(2025, 0, 1));
});

test('refused: out of range, fractions, lenient Date.parse forms, impossible dates, no offset', () => {
  for (const text of [
    '99999999999999999999',
    '8640000000000001',
    '1.5',
    '1e3',
    '+5',
    ' 5',
    'May 1 2001',
    '2025-02-30',
    '2025-02-30T00:00:00Z',
    '2025-03-01T10:00:00',
    '2025-03-01 10:00:00Z',
    'now',
    '',
  ]) {
    assert.equal(parseReplayTime(text), undefined, text);
    assert.throws(() => toMillis(text, 'startTime'), { code: 'INVALID_REPLAY_REQUEST', message: /^startTime / });
  }
  for (const ms of [1.5, 1e20, Number.NaN, Infinity]) assert.throws(() => toMillis(ms), { status: 400 });
});
