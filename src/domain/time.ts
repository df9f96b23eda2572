// Time enters the domain as ISO-8601 strings inside commands (never from a clock).
// We parse them strictly ourselves: Date.parse accepts impossible dates such as
// 2025-02-30, and billing must not silently move a day.

import { invalid } from './rejection.ts';

export const MS_PER_DAY = 86_400_000;

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month; month is 1..12. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function validDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Epoch milliseconds of a strict ISO-8601 date-time with an explicit offset, or undefined. */
export function parseDateTime(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11]);
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

export function isDateTime(text: unknown): text is string {
  return parseDateTime(text) !== undefined;
}

/** Validates an ISO date-time field and returns its epoch milliseconds. */
export function requireDateTime(text: unknown, field = 'at'): number {
  const ms = parseDateTime(text);
  if (ms === undefined) {
    throw invalid(
      'INVALID_TIMESTAMP',
      `${field} must be an ISO-8601 date-time with offset, got ${String(text)}`,
      field,
    );
  }
  return ms;
}

/** Epoch ms of a date-time already validated (stored in state or events). */
export function toMillis(text: string): number {
  const ms = parseDateTime(text);
  if (ms === undefined) throw new RangeError(`not an ISO-8601 date-time: ${text}`);
  return ms;
}

/** A calendar date (YYYY-MM-DD, UTC) as a day number since 1970-01-01, or undefined. */
export function parseDate(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = DATE.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validDate(year, month, day)) return undefined;
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

/** The UTC day number (days since 1970-01-01) that contains the instant. */
export function dayOf(ms: number): number {
  return Math.floor(ms / MS_PER_DAY);
}

/** YYYY-MM-DD of a UTC day number. */
export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The UTC date-time at 00:00 of a day number, in canonical form. */
export function startOfDayIso(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString();
}

/**
 * Facts of one aggregate must not go back in time: state built from event times
 * (activity periods, due dates) would otherwise contradict itself.
 */
export function requireNotBefore(atMs: number, lastChangeAt: string, field = 'at'): void {
  if (atMs < toMillis(lastChangeAt)) {
    throw invalid('TIME_BEFORE_LAST_CHANGE', `${field} is before the last change (${lastChangeAt})`, field, {
      lastChangeAt,
    });
  }
}
