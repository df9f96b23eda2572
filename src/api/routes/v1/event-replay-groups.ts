import type { Static } from 'typebox';
import type { ApiApp } from '../../types.ts';
import { ReadErrors, WriteErrors } from '../../schemas/common.ts';
import {
  OffsetSnapshot,
  OffsetSnapshots,
  RestoreBody,
  RestorePlan,
  SnapshotBody,
  SnapshotsQuery,
} from '../../schemas/event-replay-groups.ts';
import { admin, tags, time, type EventReplayServices } from './event-replay-services.ts';

export function groupOffsetRoutes({ service, liveTopic, consumers }: EventReplayServices) {
  async function restore(body: Static<typeof RestoreBody>) {
    const { group, topic = liveTopic, to, dryRun } = body;
    return service.restoreGroup({
      group,
      topic,
      to: 'time' in to ? { time: time(to.time) as string | number } : to,
      ...(dryRun !== undefined ? { dryRun } : {}),
      ...(consumers?.runs(group) ? { pauseGroup: (g: string) => consumers.pause(g) } : {}),
    });
  }

  return async function routes(api: ApiApp): Promise<void> {
    api.post(
      '/snapshot',
      {
        config: admin,
        schema: {
          tags,
          summary: 'Save where a consumer group stands on a topic (an offset snapshot)',
          body: SnapshotBody,
          response: { 201: OffsetSnapshot, ...WriteErrors },
        },
      },
      async (request, reply) => {
        const { group, topic = liveTopic, name } = request.body;
        return reply.status(201).send(await service.saveOffsetSnapshot(group, topic, name));
      },
    );

    api.get(
      '/snapshots',
      {
        config: admin,
        schema: {
          tags,
          summary: 'Offset snapshots, oldest first',
          querystring: SnapshotsQuery,
          response: { 200: OffsetSnapshots, ...ReadErrors },
        },
      },
      async (request) => ({ items: await service.listOffsetSnapshots(request.query) }),
    );

    api.post(
      '/restore',
      {
        config: admin,
        schema: {
          tags,
          summary: 'Move a consumer group to a snapshot, a time, or the earliest/latest offsets',
          description:
            'dryRun plans without committing. This instance’s consumers of the group are paused while the ' +
            'offsets are committed; other instances’ members must be stopped first (Kafka refuses otherwise).',
          body: RestoreBody,
          response: { 200: RestorePlan, ...WriteErrors },
        },
      },
      async (request) => restore(request.body),
    );
  };
}
