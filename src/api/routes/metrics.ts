import type { ApiApp } from '../types.ts';
import type { Registry } from 'prom-client';

export function metricsRoute(registry: Registry) {
  return async function routes(app: ApiApp): Promise<void> {
    app.get('/metrics', { schema: { hide: true }, config: { public: true } }, async (_request, reply) =>
      reply.type(registry.contentType).send(await registry.metrics()),
    );
  };
}
