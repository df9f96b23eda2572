// Admission control for the writes of /api/v1 (POST, PATCH, PUT, DELETE): a write the service cannot
// take now is refused at once with 503 + Retry-After (problem+json, code OVERLOADED) before it claims
// an idempotency key or a connection, so a retry with the same Idempotency-Key runs it exactly once.
// Refusals count in bss_requests_shed_total{reason}. Reads are not gated: the cache serves most.
import { Counter, type Registry } from 'prom-client';
import type { ApiApp } from '../types.ts';
import type { Admission, ShedReason } from '../../application/admission.ts';
import { sendProblem } from './problem.ts';

const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
/** Seconds a refused client should wait: about the time a full queue takes to drain. */
export const RETRY_AFTER_SECONDS = 1;

const DETAILS: Record<ShedReason, string> = {
  queue_full: 'too many writes in progress',
  queue_delay: 'writes are waiting too long for the database',
  outbox_backlog: 'the outbox backlog is past its limit',
  consumer_lag: 'a consumer group is too far behind',
};

export function registerAdmission(app: ApiApp, admission: Admission, registry: Registry): void {
  const shed = new Counter({
    name: 'bss_requests_shed_total',
    help: 'Requests refused with 503 OVERLOADED by admission control, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!WRITES.has(request.method)) return;
    const reason = admission.enter();
    if (reason === undefined) {
      // 'close' comes once the answer is sent or the client went away: the slot is free either way.
      reply.raw.once('close', admission.leave);
      return;
    }
    shed.inc({ reason });
    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return sendProblem(reply, request, {
      status: 503,
      code: 'OVERLOADED',
      detail: `The service is at capacity (${DETAILS[reason]}); retry after ${RETRY_AFTER_SECONDS} s with the same Idempotency-Key`,
      retryable: true,
    });
  });
}
