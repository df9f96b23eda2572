// @MonitorPostgresProcessing: every query and transaction of the Db port, counted and timed.
import { instrument, type OperationMetrics } from '../observability/instrument.ts';
import type { Db } from './db.ts';

export function instrumentDb(db: Db, metrics: OperationMetrics): Db {
  const component = db.kind === 'pglite' ? 'pglite' : 'postgres';
  return {
    ...db,
    kind: db.kind,
    query: instrument(metrics, component, 'query', (sql, params) => db.query(sql, params)) as Db['query'],
    transaction: instrument(metrics, component, 'transaction', (fn) => db.transaction(fn)) as Db['transaction'],
    exec: (sql) => db.exec(sql),
    listen: (channel, onPayload, options) => db.listen(channel, onPayload, options),
    close: () => db.close(),
  };
}
