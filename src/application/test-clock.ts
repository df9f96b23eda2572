// Drives a whole billing cycle through the API in seconds. Only composed with BSS_TEST_CLOCK; never in production.
import { BssError } from '../errors.ts';
import type { Clock } from './clock.ts';

export interface TestClock {
  readonly now: Clock;
  /** Never backwards: events must stay in order. */
  set(iso: string): string;
}

export function createTestClock(start: Date = new Date()): TestClock {
  // Keeps running between moves, so two commands never share an instant by accident.
  let offsetMs = start.getTime() - Date.now();
  const now = () => new Date(Date.now() + offsetMs).toISOString();
  return {
    now,
    set(iso) {
      const target = Date.parse(iso);
      if (Number.isNaN(target)) {
        throw new BssError('INVALID_TIME', `${iso} is not an ISO-8601 time`, {
          status: 400,
          errors: [{ field: '/body/now', message: 'not an ISO-8601 time' }],
        });
      }
      const current = Date.now() + offsetMs;
      if (target < current) {
        throw new BssError(
          'CLOCK_BACKWARDS',
          `the test clock is at ${new Date(current).toISOString()} and only moves forward`,
          {
            status: 409,
          },
        );
      }
      offsetMs = target - Date.now();
      return now();
    },
  };
}

export function testClockStart(setting: string): Date {
  return setting === 'now' ? new Date() : new Date(setting);
}
