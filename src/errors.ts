// One error base type for the whole service (the domain's DomainRejection extends it). The API's
// error handler turns it into RFC 9457 problem+json; `code` is one of the closed set in
// error-codes.ts, `status` is the HTTP status.
import type { ErrorCode } from './error-codes.ts';

export type { ErrorCode } from './error-codes.ts';

export interface FieldError {
  /** JSON pointer-ish path of the input at fault, e.g. "/body/email" */
  readonly field: string;
  readonly message: string;
}

export interface AppErrorOptions {
  readonly status: number;
  readonly retryable?: boolean;
  readonly errors?: readonly FieldError[];
  readonly cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly errors: readonly FieldError[];

  constructor(code: ErrorCode, message: string, options: AppErrorOptions) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
    this.errors = options.errors ?? [];
  }
}

export const notFound = (what: string, id: string): AppError =>
  new AppError('NOT_FOUND', `${what} ${id} does not exist`, { status: 404 });

export const unavailable = (dependency: string, cause?: unknown): AppError =>
  new AppError('DEPENDENCY_UNAVAILABLE', `${dependency} is unavailable`, { status: 503, retryable: true, cause });
