import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  dayOf,
  daysInMonth,
  formatDay,
  isLeapYear,
  parseDate,
  parseDateTime,
  requireDateTime,
} from '../../src/domain/time.ts';
import { expectRejection } from './given-when-then.ts';

describe('time: strict ISO-8601 parsing', () => {
  it('parses UTC and offset date-times to the same instant', () => {
    assert.equal(parseDateTime('2025-01-01T10:00:00+02:00'), Date.UTC(2025, 0, 1, 8));
    assert.equal(parseDateTime('2025-01-01T08:00:00Z'), Date.UTC(2025, 0, 1, 8));
    assert.equal(parseDateTime('2025-01-01T08:00Z'), Date.UTC(2025, 0, 1, 8));
    assert.equal(parseDateTime('2025-01-01T08:00:00.123456Z'), Date.UTC(2025, 0, 1, 8, 0, 0, 123));
  });

  it('rejects impossible dates that Date.parse would roll over', () => {
    for (const text of [
      '2025-02-29T00:00:00Z', // not a leap year
      '2025-02-30T00:00:00Z',
      '2025-04-31T00:00:00Z',
      '2025-13-01T00:00:00Z',
      '2025-01-01T24:00:00Z',
      '2025-01-01T10:00:00', // no offset: ambiguous
      '2025-01-01',
      '',
    ]) {
      assert.equal(parseDateTime(text), undefined, text);
    }
    assert.equal(parseDateTime('2024-02-29T00:00:00Z'), Date.UTC(2024, 1, 29));
  });

  it('requireDateTime names the field', () => {
    expectRejection(() => requireDateTime('yesterday', 'startedAt'), 'INVALID_TIMESTAMP', { field: 'startedAt' });
  });

  it('parses calendar dates to day numbers', () => {
    assert.equal(parseDate('1970-01-02'), 1);
    assert.equal(parseDate('2024-02-29'), parseDate('2024-03-01')! - 1);
    assert.equal(parseDate('2023-02-29'), undefined);
    assert.equal(formatDay(parseDate('2024-02-29')!), '2024-02-29');
    assert.equal(dayOf(Date.UTC(2025, 0, 1, 23, 59)), parseDate('2025-01-01'));
  });
});

describe('time: calendar', () => {
  it('knows leap years (4, not 100, but 400)', () => {
    assert.equal(isLeapYear(2024), true);
    assert.equal(isLeapYear(2025), false);
    assert.equal(isLeapYear(1900), false);
    assert.equal(isLeapYear(2000), true);
  });

  it('knows month lengths', () => {
    assert.deepEqual(
      Array.from({ length: 12 }, (_, i) => daysInMonth(2025, i + 1)),
      [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],
    );
    assert.equal(daysInMonth(2024, 2), 29);
  });
});
