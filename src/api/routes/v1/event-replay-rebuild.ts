import type { Static } from 'typebox';
import type { ApiApp } from '../../types.ts';
import { WriteErrors } from '../../schemas/common.ts';
import { RebuildBody, RebuildResult } from '../../schemas/event-replay-rebuild.ts';
import { admin, tags, time, type EventReplayServices } from './event-replay-services.ts';

export function rebuildRoutes({ service, liveTopic, drainOutbox }: EventReplayServices) {
  async function rebuild(body: Static<typeof RebuildBody>) {
    const until = time(body?.until);
    const swap = body?.swap;
    await drainOutbox?.();
    return service.rebuildReadModels(liveTopic, {
      ...(until !== undefined ? { until } : {}),
      ...(swap !== undefined ? { swap } : {}),
    });
  }

  return async function routes(api: ApiApp): Promise<void> {
    api.post(
      '/rebuild',
      {
        config: admin,
        schema: {
          tags,
          summary: 'Rebuild the read models from the log into shadow tables, then swap them in atomically',
          description:
            'The live tables are always the fold of the whole log. With until (a past time) the fold goes to ' +
            'the <table>_shadow tables only, for inspection: until implies swap false, and until with swap ' +
            'true is refused (400 naming /body/swap). Kafka mode: the swap waits for the outbox to be published.',
          body: RebuildBody,
          response: { 200: RebuildResult, ...WriteErrors },
        },
      },
      async (request) => rebuild(request.body),
    );
  };
}
