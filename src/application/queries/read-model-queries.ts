// Cursor = the row's seq, so pages stay stable while rows are added.
import type { Queryable } from '../../store/db.ts';
import { BssError } from '../../errors.ts';
import { READ_MODELS, type ReadModelKind } from '../read-model/tables.ts';
import { dateRangeConditions, type DateRangeFilter } from './date-range.ts';

export interface Row<S> {
  readonly state: S;
  readonly version: number;
}

export interface Page<S> {
  readonly items: ReadonlyArray<Row<S>>;
  readonly nextCursor: string | null;
}

export interface ListFilter extends DateRangeFilter {
  readonly customerId?: string;
  readonly subscriptionId?: string;
  readonly status?: string;
  readonly cursor?: string;
  readonly limit?: number;
}

export const MAX_PAGE = 200;

const SUBSCRIPTION_COLUMN: Partial<Record<ReadModelKind, string>> = { usage: 'subscription_id', subscription: 'id' };

export const encodeCursor = (seq: string) => Buffer.from(`seq:${seq}`).toString('base64url');

export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  // Up to 18 digits: always within PostgreSQL's bigint.
  if (!/^seq:\d{1,18}$/.test(text)) {
    throw new BssError('INVALID_CURSOR', 'cursor is not one this API returned', {
      status: 400,
      errors: [{ field: '/querystring/cursor', message: 'invalid cursor' }],
    });
  }
  return text.slice(4);
}

export async function getRow<S>(db: Queryable, kind: ReadModelKind, id: string): Promise<Row<S> | undefined> {
  const { rows } = await db.query<{ state: S; version: number }>(
    `SELECT state, version FROM ${READ_MODELS[kind].table} WHERE id = $1`,
    [id],
  );
  return rows[0];
}

export async function listRows<S>(db: Queryable, kind: ReadModelKind, filter: ListFilter): Promise<Page<S>> {
  const limit = Math.min(filter.limit ?? 50, MAX_PAGE);
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.customerId !== undefined) where.push(`customer_id = $${params.push(filter.customerId)}`);
  if (filter.subscriptionId !== undefined) {
    const column = SUBSCRIPTION_COLUMN[kind];
    if (column === undefined) throw new Error(`${kind} rows cannot be filtered by subscription`);
    where.push(`${column} = $${params.push(filter.subscriptionId)}`);
  }
  if (filter.status !== undefined) where.push(`status = $${params.push(filter.status)}`);
  where.push(...dateRangeConditions(filter, params));
  if (filter.cursor !== undefined) where.push(`seq > $${params.push(decodeCursor(filter.cursor))}`);
  const { rows } = await db.query<{ state: S; version: number; seq: string }>(
    `SELECT state, version, seq FROM ${READ_MODELS[kind].table}
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT ${limit + 1}`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(({ state, version }) => ({ state, version })),
    nextCursor: rows.length > limit && last ? encodeCursor(String(last.seq)) : null,
  };
}
