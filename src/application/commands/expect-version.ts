import { BssError } from '../../errors.ts';

export type ExpectedVersion = number | readonly number[];

/** If-Match: the current version must be one the caller named. */
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
