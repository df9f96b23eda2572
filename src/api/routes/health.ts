import { Type } from 'typebox';
import type { ApiApp } from '../types.ts';
import { runReadiness, type ReadinessCheck } from '../readiness.ts';

const Check = Type.Object({
  status: Type.Union([Type.Literal('up'), Type.Literal('down')]),
  error: Type.Optional(Type.String()),
});
const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
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
          summary: 'Every configured dependency answers; 503 names the ones that do not',
          response: { 200: Readiness, 503: Readiness },
        },
      },
      async (_request, reply) => {
        const report = await runReadiness(checks);
        const down = Object.entries(report.checks)
          .filter(([, c]) => c.status === 'down')
          .map(([name]) => name);
        return reply
          .status(report.ready ? 200 : 503)
          .send({ status: report.ready ? 'ready' : 'unavailable', checks: report.checks, down });
      },
    );
  };
}
