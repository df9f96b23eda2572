// The one error base (DomainRejection extends it); the API's error handler makes it problem+json.

import type { ErrorCode } from './error-codes.ts';

export type { ErrorCode } from './error-codes.ts';

export interface FieldError {
  /** JSON pointer-ish path of the input at fault, e.g. "/body/email" */
  readonly field: string;
  readonly message: string;
}

export interface BssErrorOptions {
  readonly status: number;
  readonly retryable?: boolean;
  readonly errors?: readonly FieldError[];
  readonly cause?: unknown;
}

export class BssError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly errors: readonly FieldError[];

  constructor(code: ErrorCode, message: string, options: BssErrorOptions) {
    super(message, { cause: options.cause });
    this.name = 'BssError';
    this.code = code;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
    this.errors = options.errors ?? [];
  }
}

export const notFound = (what: string, id: string): BssError =>
  new BssError('NOT_FOUND', `${what} ${id} does not exist`, { status: 404 });

export const unavailable = (dependency: string, cause?: unknown): BssError =>
  new BssError('DEPENDENCY_UNAVAILABLE', `${dependency} is unavailable`, { status: 503, retryable: true, cause });
