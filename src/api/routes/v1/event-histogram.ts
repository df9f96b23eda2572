import { Type } from 'typebox';
import type { ApiApp } from '../../types.ts';
import { eventFilter, time, type EventReplayServices } from './event-replay-services.ts';
import { HISTOGRAM_SCAN_LIMIT, optionalMillis } from '../../../replay/index.ts';
import { ReadErrors } from '../../schemas/common.ts';
import { FreeText } from '../../schemas/event-replay-time-travel.ts';

const QueryTime = Type.String({ minLength: 1, maxLength: 40, description: 'ISO-8601 time or ms since the epoch' });
const HistogramQuery = Type.Object(
  {
    topic: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    startTime: Type.Optional(QueryTime),
    endTime: Type.Optional(QueryTime),
    buckets: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 60 })),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'comma-separated types' })),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'comma-separated sources' })),
    customerId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    q: Type.Optional(FreeText),
    scanLimit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: HISTOGRAM_SCAN_LIMIT,
        description: `records a filtered histogram reads at most (${HISTOGRAM_SCAN_LIMIT})`,
      }),
    ),
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
  countedBy: Type.Union([Type.Literal('positions'), Type.Literal('log'), Type.Literal('scan')], {
    description: 'positions: unfiltered; log: the database log counted the filter exactly; scan: records read',
  }),
  scanned: Type.Integer({ description: 'records read: 0 unfiltered (counted by log positions)' }),
  partial: Type.Boolean({ description: 'a filtered window beyond the scan limit: counts stop at countedUntil' }),
  countedUntil: Nullable(Type.Integer({ description: 'ms; every record before it was counted' })),
});

export function eventHistogramRoutes({ service, liveTopic }: EventReplayServices) {
  return async function routes(api: ApiApp): Promise<void> {
    api.get(
      '/histogram',
      {
        config: { role: 'admin' },
        schema: {
          tags: ['event replay'],
          summary: 'Events per time bucket in [startTime, endTime) (default: first to last event), filtered',
          querystring: HistogramQuery,
          response: { 200: Histogram, ...ReadErrors },
        },
      },
      async (request) => {
        const { topic = liveTopic, buckets = 60 } = request.query;
        const start = optionalMillis(time(request.query.startTime), 'startTime');
        const end = optionalMillis(time(request.query.endTime), 'endTime');
        const { scanLimit } = request.query;
        return service.histogram(topic, {
          buckets,
          filter: eventFilter(request.query),
          ...(scanLimit !== undefined ? { scanLimit } : {}),
          ...(start !== undefined ? { start } : {}),
          ...(end !== undefined ? { end } : {}),
        });
      },
    );
  };
}
