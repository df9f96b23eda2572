// Admission control's decision for one /api/v1 request, taken once. `answerRaw` takes it on node:http's
// request, before Fastify: a refusal then costs the HTTP parse and one write, not a framework request.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Admission, ShedReason } from '../application/admission.ts';
import type { ConcurrencyLimit } from '../application/concurrency-limit.ts';
import { problemType } from './plugins/problem.ts';

export const API_PREFIX = '/api/v1/';
const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
/** Seconds a refused client should wait: about the time a full queue takes to drain. */
export const RETRY_AFTER_SECONDS = 1;
/** Fastify's default keepAliveTimeout, which it sets only on servers it creates. */
const FASTIFY_KEEP_ALIVE_MS = 72_000;
/** Set on a raw request the gate admitted, so the Fastify hook does not decide again. */
const DECIDED = Symbol('bss.admission.decided');

const DETAILS: Record<ShedReason, string> = {
  queue_full: 'too many writes in progress',
  queue_delay: 'writes are waiting too long for the database',
  outbox_backlog: 'the outbox backlog is past its limit',
  consumer_lag: 'a consumer group is too far behind',
  concurrency: 'more requests in progress than it answers within its latency target',
};

export const overloadedDetail = (reason: ShedReason): string =>
  `The service is at capacity (${DETAILS[reason]}); retry after ${RETRY_AFTER_SECONDS} s with the same Idempotency-Key`;

export interface AdmissionGate {
  /** undefined: admitted (its slots free when `response` closes); otherwise why it is refused (counted). */
  decide(method: string, stream: boolean, response: ServerResponse): ShedReason | undefined;
  decided(request: IncomingMessage): boolean;
  answerRaw(request: IncomingMessage, response: ServerResponse): boolean;
}

export function createAdmissionGate(
  admission: Admission,
  registry: Registry,
  concurrency?: ConcurrencyLimit,
): AdmissionGate {
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
  const decide: AdmissionGate['decide'] = (method, stream, response) => {
    const write = WRITES.has(method);
    let reason = write ? admission.enter() : undefined;
    if (reason === undefined && concurrency && !stream) {
      const startedAt = concurrency.tryAcquire();
      if (startedAt === undefined) reason = 'concurrency';
      // 'close' comes once the answer is sent or the client went away: the slot is free either way.
      else response.once('close', () => concurrency.release(startedAt));
      if (reason && write) admission.leave();
    }
    if (reason === undefined && write) response.once('close', admission.leave);
    if (reason !== undefined) shed.inc({ reason });
    return reason;
  };
  return {
    decide,
    decided: (request) => (request as IncomingMessage & { [DECIDED]?: true })[DECIDED] === true,
    answerRaw(request, response) {
      if (!request.url?.startsWith(API_PREFIX)) return false;
      // The route is not known yet: an event stream is told by what the client accepts.
      const stream = request.headers.accept?.includes('text/event-stream') ?? false;
      const reason = decide(request.method ?? 'GET', stream, response);
      if (reason === undefined) {
        (request as IncomingMessage & { [DECIDED]?: true })[DECIDED] = true;
        return false;
      }
      const body = JSON.stringify({
        type: problemType('OVERLOADED'),
        title: 'Service Unavailable',
        status: 503,
        detail: overloadedDetail(reason),
        code: 'OVERLOADED',
        retryable: true,
        instance: request.url,
      });
      const id = request.headers['x-request-id'];
      response.writeHead(503, {
        'content-type': 'application/problem+json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'retry-after': String(RETRY_AFTER_SECONDS),
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
        ...(typeof id === 'string' ? { 'x-request-id': id } : {}),
      });
      response.end(body);
      return true;
    },
  };
}

/** Fastify's `serverFactory`: node:http as Fastify makes it (keep-alive 72 s, no request timeout), the gate in front. */
export function gatedServer(gate: AdmissionGate, maxHeaderSize: number) {
  return (handler: (request: IncomingMessage, response: ServerResponse) => void): http.Server => {
    const server = http.createServer({ maxHeaderSize }, (request, response) => {
      if (!gate.answerRaw(request, response)) handler(request, response);
    });
    server.keepAliveTimeout = FASTIFY_KEEP_ALIVE_MS;
    server.requestTimeout = 0;
    return server;
  };
}
