// History first, so charts start full. The console reads it with fetch, so credentials travel in headers.
import type { ApiApp } from '../../types.ts';
import { eventStreams } from '../../event-stream.ts';
import type { LiveMetrics, LiveSample } from '../../../observability/live-metrics.ts';
import { ReadErrors } from '../../schemas/common.ts';
import { Type } from 'typebox';

const SampleEvent = Type.Object(
  {
    event: Type.Literal('sample'),
    id: Type.String({ description: 'the sample time, ms since the epoch' }),
    data: Type.String({ contentMediaType: 'application/json', description: 'the sample as JSON' }),
  },
  { title: 'LiveSampleEvent' },
);

export function liveRoutes(live: LiveMetrics) {
  return async function routes(api: ApiApp): Promise<void> {
    const streams = eventStreams(api);
    api.addHook('onReady', async () => live.start());
    api.addHook('onClose', async () => live.stop());

    api.get(
      '/live',
      {
        config: { stream: true },
        schema: {
          tags: ['console'],
          summary: 'Server-sent events: `event: sample` every second with throughput, latency, errors, lag, cache',
          produces: ['text/event-stream'],
          response: {
            200: {
              description: 'text/event-stream: one `sample` event a second',
              content: { 'text/event-stream': { schema: SampleEvent } },
            },
            ...ReadErrors,
          },
        },
      },
      async (request, reply) => {
        const stream = streams.open(request, reply);
        const unsubscribe = live.subscribe((samples: readonly LiveSample[]) => {
          for (const sample of samples) stream.send('sample', sample.t, sample);
        });
        stream.signal.addEventListener('abort', () => {
          unsubscribe();
          stream.end();
        });
      },
    );
  };
}
