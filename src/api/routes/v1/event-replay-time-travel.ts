import type { Static } from 'typebox';
import type { ApiApp } from '../../types.ts';
import { ReadErrors, WriteErrors } from '../../schemas/common.ts';
import {
  Diff,
  DiffQuery,
  ReconstructBody,
  Reconstructed,
  Timeline,
  TimelineQuery,
} from '../../schemas/event-replay-time-travel.ts';
import { admin, eventFilter, tags, time, type EventReplayServices } from './event-replay-services.ts';

export function timeTravelRoutes({ service, liveTopic }: EventReplayServices) {
  async function reconstruct(body: Static<typeof ReconstructBody>) {
    const { topic = liveTopic, customerId } = body;
    const at = time(body.targetTime);
    if (customerId !== undefined) {
      const one = await service.reconstructCustomer(topic, customerId, at);
      return { topic, at: one.at, customers: { [customerId]: one.view }, partitions: [one.fold] };
    }
    return { topic, ...(await service.reconstructSystem(topic, at)) };
  }

  async function diff(query: Static<typeof DiffQuery>) {
    const { topic = liveTopic, customerId } = query;
    const from = time(query.from) as string | number;
    const to = time(query.to) as string | number;
    return service.diff(topic, from, to, customerId);
  }

  async function timeline(query: Static<typeof TimelineQuery>) {
    const { topic = liveTopic, cursor, maxEvents, scanLimit } = query;
    const start = time(query.startTime);
    const end = time(query.endTime);
    return service.timeline({
      topic,
      ...(start !== undefined ? { startTime: start } : {}),
      ...(end !== undefined ? { endTime: end } : {}),
      filter: eventFilter(query),
      ...(cursor !== undefined ? { cursor } : {}),
      ...(maxEvents !== undefined ? { maxEvents } : {}),
      ...(scanLimit !== undefined ? { scanLimit } : {}),
    });
  }

  return async function routes(api: ApiApp): Promise<void> {
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
      async (request) => reconstruct(request.body),
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
      async (request) => diff(request.query),
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
      async (request) => timeline(request.query),
    );
  };
}
