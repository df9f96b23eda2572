// Display helpers: money in minor units, numbers, times.

export interface Money {
  readonly amount: number;
  readonly currency: string;
}

export function money(value: Money | null | undefined): string {
  if (!value) return '—';
  return new Intl.NumberFormat('en', { style: 'currency', currency: value.currency }).format(value.amount / 100);
}

export const minor = (amount: number, currency: string | null) =>
  currency ? money({ amount, currency }) : String(amount);

export const number = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n)
    ? '—'
    : n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export const percent = (ratio: number | null | undefined, digits = 1) =>
  ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(digits)} %`;

export const ms = (seconds: number | null | undefined) =>
  seconds === null || seconds === undefined ? '—' : `${(seconds * 1000).toFixed(seconds < 0.01 ? 2 : 1)} ms`;

export const dateTime = (time: string | number | null | undefined) =>
  time === null || time === undefined
    ? '—'
    : new Date(time)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z');

/**
 * The value of an <input type="datetime-local"> for an instant, in UTC (the console shows UTC): whole
 * seconds for a step of 1 s, milliseconds for a step of 0.001 (the Timeline's window, which a zoom
 * may narrow below a second).
 */
export const toLocalInput = (t: number, milliseconds = false) =>
  new Date(t).toISOString().slice(0, milliseconds ? 23 : 19);
/** An <input type="datetime-local"> value read as UTC. */
export const fromLocalInput = (value: string) => Date.parse(`${value.length === 16 ? `${value}:00` : value}Z`);
