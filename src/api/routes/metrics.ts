import type { ApiApp } from '../types.ts';
import type { Registry } from 'prom-client';

export function metricsRoute(registry: Registry, text: () => Promise<string> = () => registry.metrics()) {
  return async function routes(app: ApiApp): Promise<void> {
    app.get('/metrics', { schema: { hide: true }, config: { public: true } }, async (_request, reply) =>
      reply.type(registry.contentType).send(await text()),
    );
  };
}
