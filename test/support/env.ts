// Real-service tests read the stack's addresses from the environment set by scripts/services.sh.
// A missing variable fails the test with the reason: real-service tests never skip.
import { randomBytes } from 'node:crypto';

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run the tests with "npm test" (it starts the real services), or eval "$(scripts/services.sh env)"`,
    );
  }
  return value;
}

/** A name no other test run uses: for schemas, topics, groups, key prefixes. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/**
 * Config for apps the suite drives that are not about admission: neither CoDel nor the concurrency limit
 * sheds, so a machine loaded by other tests cannot turn a test's request into a 503 (test/api/admission-*
 * set their own).
 */
export const NO_DELAY_SHEDDING = { BSS_SHED_QUEUE_DELAY_MS: '600000', BSS_SHED_LIMIT: 'off' } as const;
