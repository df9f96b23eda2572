// Not Date.parse: it reads "-5" as the year 2001 and "1.5" as 2001-01-05.
import { MS_PER_DAY, parseDate, parseDateTime } from '../../domain/time.ts';
import { badReplayRequest } from './errors.ts';

export type TimeInput = number | string | Date;

/** ECMA-262 §21.4.1.1. */
export const MAX_TIME_MS = 8.64e15;

const EPOCH_MS = /^-?\d{1,16}$/;

const inRange = (ms: number): boolean => Number.isSafeInteger(ms) && Math.abs(ms) <= MAX_TIME_MS;

export function parseReplayTime(text: string): number | undefined {
  if (EPOCH_MS.test(text)) {
    const ms = Number(text);
    return inRange(ms) ? ms : undefined;
  }
  const day = parseDate(text);
  return day !== undefined ? day * MS_PER_DAY : parseDateTime(text);
}

export const isReplayTime = (text: string): boolean => parseReplayTime(text) !== undefined;

export function toMillis(time: TimeInput, field = 'time'): number {
  const ms =
    typeof time === 'number' ? time : time instanceof Date ? time.getTime() : (parseReplayTime(time) ?? Number.NaN);
  if (!inRange(ms)) {
    throw badReplayRequest(
      `${field} is not a valid time: ${String(time)} (ISO-8601 text or integer ms since the epoch, |ms| ≤ 8.64e15)`,
    );
  }
  return ms;
}

export const optionalMillis = (time: TimeInput | undefined, field: string): number | undefined =>
  time === undefined ? undefined : toMillis(time, field);
