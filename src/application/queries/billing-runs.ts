import type { Queryable } from '../../store/db.ts';
import { notFound } from '../../errors.ts';
import type { BillRunSummary } from '../commands/billing.ts';
import { dateRangeConditions, type DateRangeFilter } from './date-range.ts';
import { decodeCursor, encodeCursor, MAX_PAGE } from './read-model-queries.ts';

export interface BillRunFilter extends Pick<DateRangeFilter, 'createdFrom' | 'createdTo'> {
  readonly periodFrom?: string;
  readonly cursor?: string;
  readonly limit?: number;
}

export interface BillRunQueries {
  listRuns(filter: BillRunFilter): Promise<{ items: BillRunSummary[]; nextCursor: string | null }>;
  getRun(runId: string): Promise<BillRunSummary>;
}

export const billRunQueries = (db: Queryable): BillRunQueries => ({
  listRuns: (filter) => listBillRuns(db, filter),
  async getRun(runId) {
    const run = await getBillRun(db, runId);
    if (!run) throw notFound('bill run', runId);
    return run;
  },
});

async function getBillRun(db: Queryable, runId: string): Promise<BillRunSummary | undefined> {
  const { rows } = await db.query<{ summary: BillRunSummary }>('SELECT summary FROM billing_runs WHERE id = $1', [
    runId,
  ]);
  return rows[0]?.summary;
}

async function listBillRuns(
  db: Queryable,
  filter: BillRunFilter,
): Promise<{ items: BillRunSummary[]; nextCursor: string | null }> {
  const limit = Math.min(filter.limit ?? 50, MAX_PAGE);
  const params: unknown[] = [];
  const where = dateRangeConditions(filter, params, { created: 'created_at' });
  if (filter.periodFrom !== undefined) where.push(`period_from = $${params.push(filter.periodFrom)}`);
  if (filter.cursor !== undefined) where.push(`seq < $${params.push(decodeCursor(filter.cursor))}`);
  const { rows } = await db.query<{ summary: BillRunSummary; seq: string }>(
    `SELECT summary, seq FROM billing_runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY seq DESC LIMIT ${limit + 1}`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => row.summary),
    nextCursor: rows.length > limit && last ? encodeCursor(String(last.seq)) : null,
  };
}
