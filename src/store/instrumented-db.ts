// Every query and transaction of the Db port, counted and timed (component postgres or pglite).
import { instrument, type OperationMetrics } from '../observability/instrument.ts';
import type { Db } from './db.ts';
import { BssError } from '../errors.ts';

/**
 * A command's transaction rolls back on the command's own refusals too (a 404, a 409, a 422): those
 * are answers, not database failures, and must not count in bss_errors_total{component="pglite"}.
 */
export const isDatabaseFailure = (error: unknown): boolean => !(error instanceof BssError && error.status < 500);

export function instrumentDb(db: Db, metrics: OperationMetrics): Db {
  const component = db.kind === 'pglite' ? 'pglite' : 'postgres';
  return {
    ...db,
    kind: db.kind,
    query: instrument(
      metrics,
      component,
      'query',
      (sql, params) => db.query(sql, params),
      isDatabaseFailure,
    ) as Db['query'],
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
