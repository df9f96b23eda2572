import { Type } from 'typebox';
import type { ApiApp } from '../types.ts';
import { runReadiness, type ReadinessCheck } from '../readiness.ts';

const Check = Type.Object({
  status: Type.Union([Type.Literal('up'), Type.Literal('down')]),
  required: Type.Boolean(),
  error: Type.Optional(Type.String()),
});
const Readiness = Type.Object({
  /** degraded: a dependency it can serve without is down (named in `down`). */
  status: Type.Union([Type.Literal('ready'), Type.Literal('degraded'), Type.Literal('unavailable')]),
  checks: Type.Record(Type.String(), Check),
  down: Type.Array(Type.String()),
});

export function healthRoutes(checks: readonly ReadinessCheck[]) {
  return async function routes(app: ApiApp): Promise<void> {
    app.get(
      '/health/live',
      {
        config: { public: true },
        schema: {
          tags: ['health'],
          summary: 'The process is running',
          response: { 200: Type.Object({ status: Type.Literal('live') }) },
        },
      },
      async () => ({ status: 'live' as const }),
    );
    app.get(
      '/health/ready',
      {
        config: { public: true },
        schema: {
          tags: ['health'],
          summary: 'The instance can serve (its database answers); every dependency that is down is named',
          description:
            '503 only while a required dependency (the database) is down. Kafka, Redis or a consumer down: 200 with status "degraded".',
          response: { 200: Readiness, 503: Readiness },
        },
      },
      async (_request, reply) => {
        const { ready, checks: results, down } = await runReadiness(checks);
        const status = !ready ? 'unavailable' : down.length > 0 ? 'degraded' : 'ready';
        return reply.status(ready ? 200 : 503).send({ status, checks: results, down });
      },
    );
  };
}
