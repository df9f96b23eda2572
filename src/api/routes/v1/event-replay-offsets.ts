import type { Static } from 'typebox';
import type { ApiApp } from '../../types.ts';
import { ReadErrors } from '../../schemas/common.ts';
import { AtQuery, TopicParam } from '../../schemas/event-replay-common.ts';
import {
  AllOffsets,
  Count,
  CountQuery,
  Estimate,
  EstimateQuery,
  OffsetsAtTime,
  TopicOffsets,
} from '../../schemas/event-replay-offsets.ts';
import { toMillis } from '../../../replay/index.ts';
import { admin, tags, time, type EventReplayServices } from './event-replay-services.ts';

export function replayOffsetRoutes(replay: EventReplayServices) {
  const { service } = replay;
  return async function routes(api: ApiApp): Promise<void> {
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
      async (request) => offsetsAtTime(replay, request.params.topic, request.query),
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
      async (request) => count(replay, request.query),
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
      async (request) => estimate(replay, request.query),
    );
  };
}

async function offsetsAtTime({ service }: EventReplayServices, topic: string, query: Static<typeof AtQuery>) {
  const at = toMillis(time(query.time) as string | number, 'time');
  return { topic, time: at, partitions: await service.offsetsForTime(topic, at) };
}

async function count({ service, liveTopic }: EventReplayServices, query: Static<typeof CountQuery>) {
  const { topic = liveTopic, customerId } = query;
  const start = time(query.startTime);
  const end = time(query.endTime);
  return {
    topic,
    startTime: start === undefined ? null : toMillis(start, 'startTime'),
    endTime: end === undefined ? null : toMillis(end, 'endTime'),
    customerId: customerId ?? null,
    count: await service.countEvents(topic, start, end, customerId),
  };
}

async function estimate({ service, liveTopic }: EventReplayServices, query: Static<typeof EstimateQuery>) {
  const { topic = liveTopic, speed = 'MAX' } = query;
  const start = time(query.startTime);
  const end = time(query.endTime);
  const estimated = await service.estimate(topic, {
    speed,
    ...(start !== undefined ? { startTime: start } : {}),
    ...(end !== undefined ? { endTime: end } : {}),
  });
  return { topic, ...estimated };
}
