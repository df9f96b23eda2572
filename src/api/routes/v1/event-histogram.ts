// GET /api/v1/event-replay/histogram: events per time bucket (the console timeline's histogram), from
// the log positions of the bucket edges, so it reads no record whatever the log holds. Admin, like the
// rest of event replay.
import { Type } from 'typebox';
import type { ApiApp } from '../../types.ts';
import { time, type EventReplayServices } from './event-replay-services.ts';
import { optionalMillis } from '../../../replay/time.ts';
import { ReadErrors } from '../../schemas/common.ts';

const QueryTime = Type.String({ minLength: 1, maxLength: 40, description: 'ISO-8601 time or ms since the epoch' });
const HistogramQuery = Type.Object(
  {
    topic: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    startTime: Type.Optional(QueryTime),
    endTime: Type.Optional(QueryTime),
    buckets: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 60 })),
  },
  { additionalProperties: false },
);
const Nullable = <T extends ReturnType<typeof Type.Integer>>(schema: T) => Type.Union([schema, Type.Null()]);
const Histogram = Type.Object({
  topic: Type.String(),
  start: Nullable(Type.Integer()),
  end: Nullable(Type.Integer()),
  bucketMs: Type.Integer(),
  buckets: Type.Array(Type.Object({ start: Type.Integer(), count: Type.Integer() })),
  total: Type.Integer(),
});

export function eventHistogramRoutes({ service, liveTopic }: EventReplayServices) {
  return async function routes(api: ApiApp): Promise<void> {
    api.get(
      '/histogram',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['event replay'],
          summary: 'Events per time bucket in [startTime, endTime) (default: first to last event), all types',
          querystring: HistogramQuery,
          response: { 200: Histogram, ...ReadErrors },
        },
      },
      async (request) => {
        const { topic = liveTopic, buckets = 60 } = request.query;
        const start = optionalMillis(time(request.query.startTime), 'startTime');
        const end = optionalMillis(time(request.query.endTime), 'endTime');
        return service.histogram(topic, {
          buckets,
          ...(start !== undefined ? { start } : {}),
          ...(end !== undefined ? { end } : {}),
        });
      },
    );
  };
}
