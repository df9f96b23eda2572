import { Type } from 'typebox';
import type { ApiApp } from '../../types.ts';
import type { EventReplayServices } from './event-replay-services.ts';
import { ReadErrors } from '../../schemas/common.ts';

const Handlers = Type.Object({
  handlers: Type.Array(Type.Object({ name: Type.String() }), {
    description: 'replay-safe handlers: running them again on old events has no effect outside the system',
  }),
});

export function replayHandlerRoutes({ service }: Pick<EventReplayServices, 'service'>) {
  return async function routes(api: ApiApp): Promise<void> {
    api.get(
      '/handlers',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['event replay'],
          summary: 'The replay-safe handlers a replay may target by name',
          response: { 200: Handlers, ...ReadErrors },
        },
      },
      async () => ({ handlers: service.handlerNames().map((name) => ({ name })) }),
    );
  };
}
