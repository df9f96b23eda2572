import { BssError } from '../../errors.ts';

/** The version(s) an If-Match names: the write applies when the current version is one of them. */
export type ExpectedVersion = number | readonly number[];

/** Optimistic concurrency for If-Match: the current version must be one the caller named. */
export function expectVersion(kind: string, current: number, expected: ExpectedVersion | undefined): void {
  if (expected === undefined) return;
  const versions = typeof expected === 'number' ? [expected] : expected;
  if (!versions.includes(current)) {
    const named = versions.length === 0 ? 'no version of it' : `version ${versions.join(' or ')}`;
    throw new BssError(
      'PRECONDITION_FAILED',
      `the ${kind} is at version ${current}, If-Match named ${named}; fetch it again and retry`,
      { status: 412 },
    );
  }
}
