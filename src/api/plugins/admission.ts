// Admission control for /api/v1: a request the service cannot take now is refused at once with 503 +
// Retry-After (problem+json, code OVERLOADED), first of all hooks (before authentication, before it
// claims an idempotency key or a connection), so a refusal is cheap and a retry with the same
// Idempotency-Key runs it exactly once. Writes (POST, PATCH, PUT, DELETE) pass
// the write path's limits (application/admission.ts); every request but a long-lived stream then
// passes the adaptive concurrency limit (application/concurrency-limit.ts), reads too: when the event
// loop is what is saturated, a read costs it as much as a write's parsing does.
// Refusals count in bss_requests_shed_total{reason}.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ApiApp } from '../types.ts';
import type { Admission, ShedReason } from '../../application/admission.ts';
import type { ConcurrencyLimit } from '../../application/concurrency-limit.ts';
import { sendProblem } from './problem.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A long-lived answer (server-sent events): outside the concurrency limit and its latency samples. */
    stream?: boolean;
  }
}

/** The routes admission control guards: the API, not health, metrics, docs or the console. */
const API = '/api/v1/';
const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
/** Seconds a refused client should wait: about the time a full queue takes to drain. */
export const RETRY_AFTER_SECONDS = 1;

const DETAILS: Record<ShedReason, string> = {
  queue_full: 'too many writes in progress',
  queue_delay: 'writes are waiting too long for the database',
  outbox_backlog: 'the outbox backlog is past its limit',
  consumer_lag: 'a consumer group is too far behind',
  concurrency: 'more requests in progress than it answers within its latency target',
};

export function registerAdmission(
  app: ApiApp,
  admission: Admission,
  registry: Registry,
  concurrency?: ConcurrencyLimit,
): void {
  const shed = new Counter({
    name: 'bss_requests_shed_total',
    help: 'Requests refused with 503 OVERLOADED by admission control, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  if (concurrency)
    new Gauge({
      name: 'bss_concurrency_limit',
      help: 'Requests of /api/v1 admitted at once (the adaptive limit), and those in progress',
      labelNames: ['kind'] as const,
      registers: [registry],
      collect() {
        this.set({ kind: 'limit' }, concurrency.limit());
        this.set({ kind: 'in_flight' }, concurrency.inFlight());
      },
    });
  app.addHook('onRequest', async (request, reply) => {
    if (!request.routeOptions.url?.startsWith(API)) return;
    const write = WRITES.has(request.method);
    let reason = write ? admission.enter() : undefined;
    if (reason === undefined && concurrency && !request.routeOptions.config.stream) {
      const startedAt = concurrency.tryAcquire();
      if (startedAt === undefined) reason = 'concurrency';
      // 'close' comes once the answer is sent or the client went away: the slot is free either way.
      else reply.raw.once('close', () => concurrency.release(startedAt));
      if (reason && write) admission.leave();
    }
    if (reason === undefined) {
      if (write) reply.raw.once('close', admission.leave);
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
