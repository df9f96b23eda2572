// Unreachable-database failures and deadlock/serialization aborts become retryable 503s at the store
// boundary, so an outage never answers 500; statement faults pass through as is.
import { BssError, unavailable } from '../errors.ts';

const CONFLICT_STATES = new Set(['40P01', '40001']);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
const SERVER_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
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
