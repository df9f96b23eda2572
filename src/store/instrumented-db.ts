import { instrument, type OperationMetrics } from '../observability/instrument.ts';
import type { Db, Queryable } from './db.ts';
import { BssError } from '../errors.ts';

/** A command's own refusals (404, 409, 422) roll back too but are answers, not database failures. */
export const isDatabaseFailure = (error: unknown): boolean => !(error instanceof BssError && error.status < 500);

export function instrumentDb(db: Db, metrics: OperationMetrics): Db {
  const component = db.kind === 'pglite' ? 'pglite' : 'postgres';
  const queryOf = (target: Queryable) =>
    instrument(
      metrics,
      component,
      'query',
      (sql, params) => target.query(sql, params),
      isDatabaseFailure,
    ) as Db['query'];
  return {
    ...db,
    kind: db.kind,
    query: queryOf(db),
    asyncCommit: { query: queryOf(db.asyncCommit) },
    transaction: instrument(
      metrics,
      component,
      'transaction',
      (fn) => db.transaction(fn),
      isDatabaseFailure,
    ) as Db['transaction'],
    exec: (sql) => db.exec(sql),
    listen: (channel, onPayload, options) => db.listen(channel, onPayload, options),
    close: () => db.close(),
  };
}
