// Idempotency-Key for writes: a retry with the same key (scoped by caller) gets the first final answer
// again; another request under the key gets 422, a retry while the first runs 409. 5xx release the key.
// A running claim's lease is renewed, so only a claim whose process is gone lapses to a retry.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiApp } from '../types.ts';
import type { Logger } from '../../observability/logger.ts';
import {
  RENEW_EVERY_MS,
  type Claim,
  type IdempotencyStore,
  type StoredResponse,
} from '../../application/idempotency/idempotency-store.ts';
import { sendProblem } from './problem.ts';
import { withClaim } from '../../application/idempotency/fence.ts';

const METHODS = new Set(['POST', 'PATCH']);
const KEY_PATTERN = /^[\x20-\x7e]{1,200}$/;
const REPLAYED_HEADERS = ['content-type', 'etag', 'location'] as const;
/** 4xx answers a retry may see differently: timeouts, too early, rate limits. */
const TRANSIENT_4XX = new Set([408, 425, 429]);
const PURGE_EVERY_MS = 15 * 60 * 1000;

/** JSON with sorted keys, so the same body with another key order is the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function fingerprint(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n${canonicalJson(request.body)}`)
    .digest('hex');
}

function isFinal(status: number, payload: unknown, contentType: string): boolean {
  if (status >= 500 || TRANSIENT_4XX.has(status)) return false;
  if (status >= 400 && typeof payload === 'string' && contentType.includes('problem+json')) {
    try {
      return (JSON.parse(payload) as { retryable?: unknown }).retryable !== true;
    } catch {
      return true;
    }
  }
  return true;
}

interface Claimed {
  readonly caller: string;
  readonly key: string;
  readonly owner: string;
}

export function registerIdempotency(
  app: ApiApp,
  store: IdempotencyStore,
  logger: Logger,
  renewEveryMs = RENEW_EVERY_MS,
): void {
  const claims = new WeakMap<FastifyRequest, Claimed>();
  const running = new Set<string>();
  let closed = false;

  async function admit(request: FastifyRequest, reply: FastifyReply): Promise<Claimed | 'answered' | undefined> {
    if (!METHODS.has(request.method)) return undefined;
    const key = request.headers['idempotency-key'];
    if (key === undefined) return undefined;
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) return refuseKey(request, reply);
    const caller = request.principal?.id ?? 'anonymous';
    const claim = await store.claim(caller, key, fingerprint(request));
    if (claim.kind !== 'claimed') return answerUnclaimed(request, reply, claim);
    const claimed = { caller, key, owner: claim.owner };
    claims.set(request, claimed);
    running.add(claim.owner);
    return claimed;
  }

  // preValidation: the body is parsed but not yet touched by validation defaults. Callback style, so
  // the rest of the request (its commands) runs with the claim in scope (fence.ts).
  app.addHook('preValidation', (request, reply, done) => {
    admit(request, reply).then((admitted) => {
      if (admitted === 'answered') return; // the reply is sent: the chain stops here
      if (admitted === undefined) return done();
      withClaim(admitted, () => done());
    }, done);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claimed = claims.get(request);
    if (!claimed) return payload;
    claims.delete(request);
    const { caller, key, owner } = claimed;
    const response = finalResponse(reply, payload);
    const record = response
      ? () => store.complete(caller, key, owner, response)
      : () => store.release(caller, key, owner);
    try {
      await record();
      running.delete(owner);
    } catch (error) {
      // The outcome is retried in the background; a final answer's claim stays renewed meanwhile, so a
      // retry gets it replayed, not rerun.
      logger.error({ err: error }, 'could not record the idempotency key outcome; retrying');
      if (!response) running.delete(owner);
      void retryRecord(record, () => closed).finally(() => running.delete(owner));
    }
    return payload;
  });

  // A reply that never went through onSend (a hijacked or aborted one) must not keep its claim alive.
  app.addHook('onResponse', async (request) => {
    const claimed = claims.get(request);
    if (!claimed) return;
    claims.delete(request);
    running.delete(claimed.owner);
    await store.release(claimed.caller, claimed.key, claimed.owner).catch(() => {}); // the lease ends it
  });

  const stopTimers = startLeaseTimers(store, running, logger, renewEveryMs);
  app.addHook('onClose', async () => {
    closed = true;
    stopTimers();
  });
}

function refuseKey(request: FastifyRequest, reply: FastifyReply): 'answered' {
  sendProblem(reply, request, {
    status: 400,
    code: 'INVALID_IDEMPOTENCY_KEY',
    detail: 'Idempotency-Key must be 1 to 200 printable ASCII characters',
    errors: [{ field: '/headers/idempotency-key', message: '1 to 200 printable ASCII characters' }],
  });
  return 'answered';
}

function answerUnclaimed(
  request: FastifyRequest,
  reply: FastifyReply,
  claim: Exclude<Claim, { kind: 'claimed' }>,
): 'answered' {
  switch (claim.kind) {
    case 'replay':
      reply
        .status(claim.response.status)
        .headers({ ...claim.response.headers, 'idempotent-replayed': 'true' })
        .send(claim.response.body);
      break;
    case 'in-progress':
      reply.header('retry-after', '1');
      sendProblem(reply, request, {
        status: 409,
        code: 'IDEMPOTENCY_KEY_IN_PROGRESS',
        detail: 'A request with this Idempotency-Key is still running; retry shortly',
        retryable: true,
      });
      break;
    case 'mismatch':
      sendProblem(reply, request, {
        status: 422,
        code: 'IDEMPOTENCY_KEY_REUSED',
        detail: 'This Idempotency-Key was used for a different request; use a new key for a new request',
        errors: [{ field: '/headers/idempotency-key', message: 'already used for a different request' }],
      });
      break;
  }
  return 'answered';
}

/** The answer to store for retries, when it is final; undefined releases the key. */
function finalResponse(reply: FastifyReply, payload: unknown): StoredResponse | undefined {
  const contentType = String(reply.getHeader('content-type') ?? '');
  const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
  if (body === null || !isFinal(reply.statusCode, body, contentType)) return undefined;
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = reply.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  return { status: reply.statusCode, headers, body };
}

async function retryRecord(record: () => Promise<void>, closed: () => boolean): Promise<void> {
  for (let delay = 200; !closed(); delay = Math.min(delay * 2, 2000)) {
    await sleep(delay);
    if (closed()) return;
    try {
      return await record();
    } catch {
      // still down: try again
    }
  }
}

function startLeaseTimers(
  store: IdempotencyStore,
  running: ReadonlySet<string>,
  logger: Logger,
  renewEveryMs: number,
): () => void {
  const renew = setInterval(() => {
    if (running.size === 0) return;
    store
      .renew([...running])
      .catch((error: unknown) => logger.warn({ err: error }, 'idempotency lease renewal failed'));
  }, renewEveryMs);
  renew.unref();
  const purge = setInterval(() => {
    store.purgeExpired().catch((error: unknown) => logger.warn({ err: error }, 'idempotency key purge failed'));
  }, PURGE_EVERY_MS);
  purge.unref();
  return () => {
    clearInterval(purge);
    clearInterval(renew);
  };
}
