// `*From` inclusive, `*To` exclusive; parsed strictly into instants before SQL, so no input can fail there.
import { MS_PER_DAY, parseDate, parseDateTime } from '../../domain/time.ts';
import { BssError } from '../../errors.ts';

export interface DateRangeFilter {
  readonly createdFrom?: string;
  readonly createdTo?: string;
  readonly updatedFrom?: string;
  readonly updatedTo?: string;
}

/** timestamptz holds years 1..294276; lists only need 1970..9999. */
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const badDate = (field: string, message: string) =>
  new BssError('INVALID_DATE_RANGE', `${field}: ${message}`, {
    status: 400,
    errors: [{ field: `/querystring/${field}`, message }],
  });

function instant(field: string, text: string): number {
  const day = parseDate(text);
  const ms = day === undefined ? parseDateTime(text) : day * MS_PER_DAY;
  if (ms === undefined) throw badDate(field, 'must be a date YYYY-MM-DD or an ISO-8601 date-time with offset');
  if (ms < 0 || ms > MAX_MS) throw badDate(field, 'must be between 1970-01-01 and 9999-12-31');
  return ms;
}

export function dateRangeConditions(
  filter: DateRangeFilter,
  params: unknown[],
  columns: { created: string; updated?: string } = { created: 'created_at', updated: 'updated_at' },
): string[] {
  const where: string[] = [];
  for (const [name, column] of [
    ['created', columns.created],
    ['updated', columns.updated],
  ] as const) {
    const fromText = filter[`${name}From`];
    const toText = filter[`${name}To`];
    const from = fromText === undefined ? undefined : instant(`${name}From`, fromText);
    const to = toText === undefined ? undefined : instant(`${name}To`, toText);
    if (from === undefined && to === undefined) continue;
    if (column === undefined) throw badDate(`${name}From`, `this list has no ${name} time`);
    if (from !== undefined && to !== undefined && from > to)
      throw badDate(`${name}To`, `must not be before ${name}From`);
    if (from !== undefined) where.push(`${column} >= $${params.push(new Date(from).toISOString())}::timestamptz`);
    if (to !== undefined) where.push(`${column} < $${params.push(new Date(to).toISOString())}::timestamptz`);
  }
  return where;
}
