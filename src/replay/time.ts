// Times at the replay API's edge: ISO-8601 text, a Date or milliseconds since the epoch.
import { badReplayRequest } from './errors.ts';

export type TimeInput = number | string | Date;

export function toMillis(time: TimeInput, field = 'time'): number {
  const ms = typeof time === 'number' ? time : time instanceof Date ? time.getTime() : Date.parse(time);
  if (!Number.isFinite(ms)) throw badReplayRequest(`${field} is not a valid time: ${String(time)}`);
  return Math.trunc(ms);
}

export const optionalMillis = (time: TimeInput | undefined, field: string): number | undefined =>
  time === undefined ? undefined : toMillis(time, field);
