// /api/v1/event-replay (admin only): offsets by time, counts and estimates, time travel (reconstruct,
// diff, timeline), consumer-group offset snapshots and restore, and the read-model rebuild. Replay
// jobs live in event-replay-jobs.ts, debug sessions in event-replay-debug.ts.
import type { ApiApp } from '../../types.ts';
import { ReadErrors, WriteErrors } from '../../schemas/common.ts';
import {
  AllOffsets,
  AtQuery,
  Count,
  CountQuery,
  Diff,
  DiffQuery,
  Estimate,
  EstimateQuery,
  OffsetSnapshot,
  OffsetSnapshots,
  OffsetsAtTime,
  RebuildBody,
  RebuildResult,
  Reconstructed,
  ReconstructBody,
  RestoreBody,
  RestorePlan,
  SnapshotBody,
  SnapshotsQuery,
  Timeline,
  TimelineQuery,
  TopicOffsets,
  TopicParam,
} from '../../schemas/event-replay.ts';
import { toMillis } from '../../../replay/time.ts';
import { createSessionRuns, list, time, type EventReplayServices } from './event-replay-services.ts';
import { replayJobRoutes } from './event-replay-jobs.ts';
import { debugSessionRoutes } from './event-replay-debug.ts';

const tags = ['event replay'];
const admin = { role: 'admin' as const };

export function eventReplayRoutes(replay: EventReplayServices) {
  const { service, liveTopic } = replay;
  return async function routes(api: ApiApp): Promise<void> {
    const sessionRuns = createSessionRuns();
    await api.register(replayJobRoutes(replay, sessionRuns));
    await api.register(debugSessionRoutes(replay, sessionRuns));

    api.get(
      '/offsets',
      {
        config: admin,
        schema: {
          tags,
          summary: 'Every topic’s offsets and every consumer group’s committed offsets and lag',
          response: { 200: AllOffsets, ...ReadErrors },
        },
      },
      async () => service.allOffsets(),
    );

    api.get(
      '/offsets/:topic',
      {
        config: admin,
        schema: {
          tags,
          summary: 'A topic’s offsets per partition, with the first and last timestamps',
          params: TopicParam,
          response: { 200: TopicOffsets, ...ReadErrors },
        },
      },
      async (request) => service.topicOffsets(request.params.topic),
    );

    api.get(
      '/offsets/:topic/at',
      {
        config: admin,
        schema: {
          tags,
          summary: 'The offset per partition of the first event at or after a time',
          params: TopicParam,
          querystring: AtQuery,
          response: { 200: OffsetsAtTime, ...ReadErrors },
        },
      },
      async (request) => {
        const at = toMillis(time(request.query.time) as string | number, 'time');
        return {
          topic: request.params.topic,
          time: at,
          partitions: await service.offsetsForTime(request.params.topic, at),
        };
      },
    );

    api.get(
      '/count',
      {
        config: admin,
        schema: {
          tags,
          summary: 'Events in [startTime, endTime), optionally of one customer',
          querystring: CountQuery,
          response: { 200: Count, ...ReadErrors },
        },
      },
      async (request) => {
        const { topic = liveTopic, customerId } = request.query;
        const start = time(request.query.startTime);
        const end = time(request.query.endTime);
        return {
          topic,
          startTime: start === undefined ? null : toMillis(start, 'startTime'),
          endTime: end === undefined ? null : toMillis(end, 'endTime'),
          customerId: customerId ?? null,
          count: await service.countEvents(topic, start, end, customerId),
        };
      },
    );

    api.get(
      '/estimate',
      {
        config: admin,
        schema: {
          tags,
          summary: 'How long replaying [startTime, endTime) takes at a speed (estimatedMs null for STEP_BY_STEP)',
          querystring: EstimateQuery,
          response: { 200: Estimate, ...ReadErrors },
        },
      },
      async (request) => {
        const { topic = liveTopic, speed = 'MAX' } = request.query;
        const start = time(request.query.startTime);
        const end = time(request.query.endTime);
        const estimate = await service.estimate(topic, {
          speed,
          ...(start !== undefined ? { startTime: start } : {}),
          ...(end !== undefined ? { endTime: end } : {}),
        });
        return { topic, ...estimate };
      },
    );

    api.post(
      '/reconstruct-state',
      {
        config: admin,
        schema: {
          tags,
          summary: 'The customer views at targetTime (every event stamped ≤ it), of one customer or all',
          body: ReconstructBody,
          response: { 200: Reconstructed, ...WriteErrors },
        },
      },
      async (request) => {
        const { topic = liveTopic, customerId } = request.body;
        const at = time(request.body.targetTime);
        if (customerId !== undefined) {
          const one = await service.reconstructCustomer(topic, customerId, at);
          return { topic, at: one.at, customers: { [customerId]: one.view }, partitions: [one.fold] };
        }
        return { topic, ...(await service.reconstructSystem(topic, at)) };
      },
    );

    api.get(
      '/diff',
      {
        config: admin,
        schema: {
          tags,
          summary: 'The views at from and at to, the field-level changes, and the events that made them',
          querystring: DiffQuery,
          response: { 200: Diff, ...ReadErrors },
        },
      },
      async (request) => {
        const { topic = liveTopic, customerId } = request.query;
        const from = time(request.query.from) as string | number;
        const to = time(request.query.to) as string | number;
        return service.diff(topic, from, to, customerId);
      },
    );

    api.get(
      '/timeline',
      {
        config: admin,
        schema: {
          tags,
          summary: 'Events of [startTime, endTime) in time order, filtered, a page of maxEvents (default 100)',
          querystring: TimelineQuery,
          response: { 200: Timeline, ...ReadErrors },
        },
      },
      async (request) => {
        const { topic = liveTopic, customerId, q, cursor, maxEvents, scanLimit } = request.query;
        const start = time(request.query.startTime);
        const end = time(request.query.endTime);
        const types = list(request.query.type);
        const sources = list(request.query.source);
        return service.timeline({
          topic,
          ...(start !== undefined ? { startTime: start } : {}),
          ...(end !== undefined ? { endTime: end } : {}),
          filter: {
            ...(types ? { types } : {}),
            ...(sources ? { sources } : {}),
            ...(customerId !== undefined ? { customerId } : {}),
            ...(q !== undefined ? { text: q } : {}),
          },
          ...(cursor !== undefined ? { cursor } : {}),
          ...(maxEvents !== undefined ? { maxEvents } : {}),
          ...(scanLimit !== undefined ? { scanLimit } : {}),
        });
      },
    );

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
      async (request) => {
        const { group, topic = liveTopic, to, dryRun } = request.body;
        const consumers = replay.consumers;
        return service.restoreGroup({
          group,
          topic,
          to: 'time' in to ? { time: time(to.time) as string | number } : to,
          ...(dryRun !== undefined ? { dryRun } : {}),
          ...(consumers?.runs(group) ? { pauseGroup: (g: string) => consumers.pause(g) } : {}),
        });
      },
    );

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
      async (request) => {
        const until = time(request.body?.until);
        const swap = request.body?.swap;
        await replay.drainOutbox?.();
        return service.rebuildReadModels(liveTopic, {
          ...(until !== undefined ? { until } : {}),
          ...(swap !== undefined ? { swap } : {}),
        });
      },
    );
  };
}
