// Registered only with BSS_TEST_CLOCK; otherwise the route does not exist (404).
import { Type } from 'typebox';
import type { ApiApp } from '../../types.ts';
import type { TestClock } from '../../../application/test-clock.ts';
import { WriteErrors } from '../../schemas/common.ts';

const Clock = Type.Object({ now: Type.String({ format: 'date-time' }) }, { additionalProperties: false });

export function testClockRoutes(clock: TestClock) {
  return async function routes(api: ApiApp): Promise<void> {
    api.get(
      '/test-clock',
      { schema: { tags: ['test clock'], summary: 'The test clock’s current time', response: { 200: Clock } } },
      async () => ({ now: clock.now() }),
    );
    api.put(
      '/test-clock',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['test clock'],
          summary: 'Move the test clock forward (only with BSS_TEST_CLOCK; never backwards)',
          body: Clock,
          response: { 200: Clock, ...WriteErrors },
        },
      },
      async (request) => ({ now: clock.set(request.body.now) }),
    );
  };
}
