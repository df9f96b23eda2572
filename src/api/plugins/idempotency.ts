// Idempotency-Key for writes: a retry with the same key (scoped by caller) gets the first final answer
// again; another request under the key gets 422, a retry while the first runs 409. 5xx release the key.
// A running claim's lease is renewed, so only a claim whose process is gone lapses to a retry. A route
// whose every effect is a command (`claimInCommand`) claims in its first command's transaction instead.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { ApiApp } from '../types.ts';
import type { Logger } from '../../observability/logger.ts';
import {
  RENEW_EVERY_MS,
  type Claim,
  type IdempotencyStore,
  type StoredResponse,
} from '../../application/idempotency/idempotency-store.ts';
import { sendProblem } from './problem.ts';
import { ClaimUnavailable, withClaim, type ScopedClaim } from '../../application/idempotency/fence.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Every effect of the route is a command: its first command's transaction claims the key (fence.ts). */
    claimInCommand?: boolean;
  }
}

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

export function registerIdempotency(
  app: ApiApp,
  store: IdempotencyStore,
  logger: Logger,
  renewEveryMs = RENEW_EVERY_MS,
): void {
  const claims = new WeakMap<FastifyRequest, ScopedClaim>();
  const running = new Set<string>();
  let closed = false;

  function hold(request: FastifyRequest, claimed: ScopedClaim): ScopedClaim {
    claims.set(request, claimed);
    running.add(claimed.owner);
    return claimed;
  }

  async function claim(request: FastifyRequest, reply: FastifyReply, caller: string, key: string) {
    const outcome = await store.claim(caller, key, fingerprint(request));
    if (outcome.kind !== 'claimed') return answerUnclaimed(request, reply, outcome);
    return hold(request, { caller, key, owner: outcome.owner });
  }

  async function admit(request: FastifyRequest, reply: FastifyReply): Promise<ScopedClaim | 'answered' | undefined> {
    if (!METHODS.has(request.method)) return undefined;
    const key = request.headers['idempotency-key'];
    if (key === undefined) return undefined;
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) return refuseKey(request, reply);
    const caller = request.principal?.id ?? 'anonymous';
    if (request.routeOptions.config.claimInCommand)
      return hold(request, store.tentative(caller, key, fingerprint(request)));
    return claim(request, reply, caller, key);
  }

  /** The key was stored already: the request claims it as any other would, then runs again under that claim. */
  async function claimAfterAll(request: FastifyRequest, reply: FastifyReply, rerun: () => unknown) {
    const tentative = claims.get(request) as ScopedClaim;
    claims.delete(request);
    running.delete(tentative.owner);
    const claimed = await claim(request, reply, tentative.caller, tentative.key);
    return claimed === 'answered' ? reply : withClaim(claimed, rerun);
  }

  rerunWhenClaimed(app, (request) => claims.get(request)?.tentative !== undefined, claimAfterAll);

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
    await recordOutcome({ store, logger, running, closed: () => closed }, claimed, finalResponse(reply, payload));
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

interface Recorder {
  readonly store: IdempotencyStore;
  readonly logger: Logger;
  readonly running: Set<string>;
  closed(): boolean;
}

/** Stores a final answer, or releases the key for a retry to run. */
async function recordOutcome(to: Recorder, claimed: ScopedClaim, response: StoredResponse | undefined) {
  const { store, running } = to;
  const { caller, key, owner, tentative } = claimed;
  const record = response
    ? () => store.complete(caller, key, owner, response, tentative?.fingerprint)
    : () => store.release(caller, key, owner);
  try {
    await record();
    running.delete(owner);
  } catch (error) {
    // The outcome is retried in the background; a final answer's claim stays renewed meanwhile, so a
    // retry gets it replayed, not rerun.
    to.logger.error({ err: error }, 'could not record the idempotency key outcome; retrying');
    if (!response) running.delete(owner);
    void retryRecord(record, to.closed).finally(() => running.delete(owner));
  }
}

/** A claim-in-command route whose key was stored already runs again once the request holds the key. */
function rerunWhenClaimed(
  app: ApiApp,
  isTentative: (request: FastifyRequest) => boolean,
  claimAfterAll: (request: FastifyRequest, reply: FastifyReply, rerun: () => unknown) => Promise<unknown>,
): void {
  app.addHook('onRoute', (route) => {
    if (!route.config?.claimInCommand) return;
    const handler = route.handler as RouteHandlerMethod;
    route.handler = async function claimInCommand(request, reply) {
      try {
        return await handler.call(this, request, reply);
      } catch (error) {
        if (!(error instanceof ClaimUnavailable) || !isTentative(request)) throw error;
        return claimAfterAll(request, reply, () => handler.call(this, request, reply));
      }
    };
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
