// Times come inside commands, never from a clock, and are parsed strictly: Date.parse accepts 2025-02-30.

import { invalid } from './rejection.ts';

export const MS_PER_DAY = 86_400_000;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function validDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function digits(text: string, from: number, length: number): number {
  let value = 0;
  for (let i = from; i < from + length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1; // NaN past the end too
    value = value * 10 + d;
  }
  return value;
}

/** Read character by character, no regex: every rated CDR goes through here several times. */
export function parseDateTime(text: unknown): number | undefined {
  if (typeof text !== 'string' || text.length < 17) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0) return undefined;
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':') return undefined;
  let i = 16;
  let second = 0;
  let millis = 0;
  if (text[i] === ':') {
    second = digits(text, i + 1, 2);
    if (second < 0) return undefined;
    i += 3;
    if (text[i] === '.') {
      const start = ++i;
      while (i < text.length && i - start < 9 && digits(text, i, 1) >= 0) i++;
      if (i === start) return undefined;
      // First three fraction digits, padded (".5" = 500 ms); the rest is truncated.
      for (let k = 0; k < 3; k++) millis = millis * 10 + (start + k < i ? digits(text, start + k, 1) : 0);
    }
  }
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (text[i] === 'Z') {
    if (i + 1 !== text.length) return undefined;
  } else {
    const sign = text[i];
    const offsetHours = digits(text, i + 1, 2);
    const offsetMins = digits(text, i + 4, 2);
    if ((sign !== '+' && sign !== '-') || text[i + 3] !== ':' || i + 6 !== text.length) return undefined;
    if (offsetHours < 0 || offsetMins < 0 || offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

export function isDateTime(text: unknown): text is string {
  return parseDateTime(text) !== undefined;
}

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

export function toMillis(text: string): number {
  const ms = parseDateTime(text);
  if (ms === undefined) throw new RangeError(`not an ISO-8601 date-time: ${text}`);
  return ms;
}

export function parseDate(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = DATE.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validDate(year, month, day)) return undefined;
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

export function dayOf(ms: number): number {
  return Math.floor(ms / MS_PER_DAY);
}

export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function startOfDayIso(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString();
}

/** State built from event times (activity periods, due dates) would otherwise contradict itself. */
export function requireNotBefore(atMs: number, lastChangeAt: string, field = 'at'): void {
  if (atMs < toMillis(lastChangeAt)) {
    throw invalid('TIME_BEFORE_LAST_CHANGE', `${field} is before the last change (${lastChangeAt})`, field, {
      lastChangeAt,
    });
  }
}
