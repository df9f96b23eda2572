// Admission control as the first onRequest hook, before auth and before an idempotency key is claimed,
// for requests the raw gate did not see (inject in tests); it knows streams by their route.
import type { ApiApp } from '../types.ts';
import { API_PREFIX, overloadedDetail, RETRY_AFTER_SECONDS, type AdmissionGate } from '../admission-gate.ts';
import { sendProblem } from './problem.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A long-lived answer (server-sent events): outside the concurrency limit and its latency samples. */
    stream?: boolean;
  }
}

export function registerAdmission(app: ApiApp, gate: AdmissionGate): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.routeOptions.url?.startsWith(API_PREFIX) || gate.decided(request.raw)) return;
    const reason = gate.decide(request.method, request.routeOptions.config.stream === true, reply.raw);
    if (reason === undefined) return;
    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return sendProblem(reply, request, {
      status: 503,
      code: 'OVERLOADED',
      detail: overloadedDetail(reason),
      retryable: true,
    });
  });
}
