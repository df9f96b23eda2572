// One error base type for the whole service. The API's error handler turns it into
// RFC 9457 problem+json; `code` is stable and documented, `status` is the HTTP status.

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
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  readonly errors: readonly FieldError[];

  constructor(code: string, message: string, options: AppErrorOptions) {
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
