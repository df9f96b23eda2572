// Which PostgreSQL failures mean "the database cannot be reached right now" (refused, reset, restarted,
// pool exhausted) as opposed to a fault of the statement. Those become a retryable 503
// DEPENDENCY_UNAVAILABLE at the store boundary, so an outage never answers 500. A transaction the server
// aborted as a deadlock victim or for serialization changed nothing: a retryable 503 TRANSACTION_CONFLICT.
import { BssError, unavailable } from '../errors.ts';

/** SQLSTATEs of a transaction the server rolled back so that another could go on: 40P01, 40001. */
const CONFLICT_STATES = new Set(['40P01', '40001']);

/** Socket errors of a connection that is gone or never came. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
/** SQLSTATEs of a server going away or not taking connections: 57P01-03 (shutdown, starting up), 53300. */
const SERVER_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** pg's own messages for a connection lost mid-use and pg-pool's connect timeout. */
const CLIENT_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'is not queryable',
  'Client was closed',
];

export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || SERVER_STATES.has(code)) return true;
    if (code.startsWith('08')) return true; // class 08: connection exception
  }
  return CLIENT_MESSAGES.some((message) => error.message.includes(message));
}

export function isTransactionConflict(error: unknown): boolean {
  return error instanceof Error && CONFLICT_STATES.has(String((error as { code?: unknown }).code));
}

/** The error a caller of the Db port sees: outages and aborted transactions as a retryable 503, the rest as is. */
export function storeError(error: unknown): unknown {
  if (error instanceof BssError) return error;
  if (isConnectionError(error)) return unavailable('database', error);
  if (isTransactionConflict(error))
    return new BssError('TRANSACTION_CONFLICT', 'the database aborted the transaction; retry', {
      status: 503,
      retryable: true,
      cause: error,
    });
  return error;
}
