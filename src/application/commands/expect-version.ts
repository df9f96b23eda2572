import { AppError } from '../../errors.ts';

/** Optimistic concurrency for If-Match: the caller's version must still be the current one. */
export function expectVersion(kind: string, current: number, expected: number | undefined): void {
  if (expected !== undefined && expected !== current) {
    throw new AppError(
      'PRECONDITION_FAILED',
      `the ${kind} changed since version ${expected} (now ${current}); fetch it again and retry`,
      { status: 412 },
    );
  }
}
