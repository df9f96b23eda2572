// Read-only for any role (offsets, lag, snapshots, live members); snapshot and restore stay admin actions
// under /event-replay.
import { Type } from 'typebox';
import type { ApiApp } from '../../types.ts';
import type { EventReplayServices } from './event-replay-services.ts';
import { OffsetSnapshots } from '../../schemas/event-replay-groups.ts';
import { AllOffsets } from '../../schemas/event-replay-offsets.ts';
import { ReadErrors } from '../../schemas/common.ts';
import { LIVE_EVENTS_TOPIC } from '../../../replay/index.ts';

const Group = AllOffsets.properties.groups.items;
const ConsumerGroups = Type.Object({
  groups: Type.Array(
    Type.Object({
      ...Group.properties,
      membersHere: Type.Integer({
        description:
          'members this instance runs; the rest (members − membersHere) run elsewhere, and a restore waits for them to stop',
      }),
    }),
  ),
  snapshots: OffsetSnapshots.properties.items,
});

export function consumerGroupRoutes({ service, consumers, liveTopic }: EventReplayServices) {
  // This service's topics only (BSS_TOPIC_PREFIX): every group × topic of a shared cluster is thousands of calls.
  const prefix = liveTopic.endsWith(LIVE_EVENTS_TOPIC) ? liveTopic.slice(0, -LIVE_EVENTS_TOPIC.length) : '';
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
        const [offsets, snapshots] = await Promise.all([service.allOffsets(prefix), service.listOffsetSnapshots()]);
        const groups = offsets.groups.map((g) => ({ ...g, membersHere: consumers?.members(g.group) ?? 0 }));
        return { groups, snapshots };
      },
    );
  };
}
