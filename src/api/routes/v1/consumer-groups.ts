// Read-only for any role; taking a snapshot and restoring stay admin actions under /event-replay.
import { Type } from 'typebox';
import type { ApiApp } from '../../types.ts';
import type { EventReplayServices } from './event-replay-services.ts';
import { OffsetSnapshots } from '../../schemas/event-replay-groups.ts';
import { AllOffsets } from '../../schemas/event-replay-offsets.ts';
import { ReadErrors } from '../../schemas/common.ts';

const ConsumerGroups = Type.Object({
  groups: AllOffsets.properties.groups,
  snapshots: OffsetSnapshots.properties.items,
});

export function consumerGroupRoutes({ service }: EventReplayServices) {
  return async function routes(api: ApiApp): Promise<void> {
    api.get(
      '/consumer-groups',
      {
        schema: {
          tags: ['console'],
          summary: 'Consumer groups: committed offset, end and lag per partition, and their offset snapshots',
          response: { 200: ConsumerGroups, ...ReadErrors },
        },
      },
      async () => {
        const [offsets, snapshots] = await Promise.all([service.allOffsets(), service.listOffsetSnapshots()]);
        return { groups: offsets.groups, snapshots };
      },
    );
  };
}
