// Idempotency-Key for writes (POST, PATCH): a retried request with the same key gets the first
// answer again (status, ETag, Location, content type, body) without the handler running twice.
// Keys are scoped by caller; the same key on a different request (method, path or body) is refused
// with 422, and a retry while the first request still runs gets 409 (retryable). Only final answers
// are stored: 2xx and 4xx that a retry would get again. 5xx and retryable errors release the key.
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { ApiApp } from '../types.ts';
import type { Logger } from '../../observability/logger.ts';
import type { IdempotencyStore, StoredResponse } from '../../application/idempotency/idempotency-store.ts';
import { sendProblem } from './problem.ts';

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

/** Register in the scope whose routes honour the header (the /api/v1 scope). */
export function registerIdempotency(app: ApiApp, store: IdempotencyStore, logger: Logger): void {
  const claims = new WeakMap<FastifyRequest, Claimed>();

  // preValidation: the body is parsed but not yet touched by validation defaults.
  app.addHook('preValidation', async (request, reply) => {
    if (!METHODS.has(request.method)) return;
    const key = request.headers['idempotency-key'];
    if (key === undefined) return;
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      return sendProblem(reply, request, {
        status: 400,
        code: 'INVALID_IDEMPOTENCY_KEY',
        detail: 'Idempotency-Key must be 1 to 200 printable ASCII characters',
        errors: [{ field: '/headers/idempotency-key', message: '1 to 200 printable ASCII characters' }],
      });
    }
    const caller = request.principal?.id ?? 'anonymous';
    const claim = await store.claim(caller, key, fingerprint(request));
    switch (claim.kind) {
      case 'claimed':
        claims.set(request, { caller, key, owner: claim.owner });
        return;
      case 'replay':
        return reply
          .status(claim.response.status)
          .headers({ ...claim.response.headers, 'idempotent-replayed': 'true' })
          .send(claim.response.body);
      case 'in-progress':
        reply.header('retry-after', '1');
        return sendProblem(reply, request, {
          status: 409,
          code: 'IDEMPOTENCY_KEY_IN_PROGRESS',
          detail: 'A request with this Idempotency-Key is still running; retry shortly',
          retryable: true,
        });
      case 'mismatch':
        return sendProblem(reply, request, {
          status: 422,
          code: 'IDEMPOTENCY_KEY_REUSED',
          detail: 'This Idempotency-Key was used for a different request; use a new key for a new request',
          errors: [{ field: '/headers/idempotency-key', message: 'already used for a different request' }],
        });
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claimed = claims.get(request);
    if (!claimed) return payload;
    claims.delete(request);
    const { caller, key, owner } = claimed;
    const contentType = String(reply.getHeader('content-type') ?? '');
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
    try {
      if (body !== null && isFinal(reply.statusCode, body, contentType)) {
        const headers: Record<string, string> = {};
        for (const name of REPLAYED_HEADERS) {
          const value = reply.getHeader(name);
          if (value !== undefined) headers[name] = String(value);
        }
        const response: StoredResponse = { status: reply.statusCode, headers, body };
        await store.complete(caller, key, owner, response);
      } else {
        await store.release(caller, key, owner);
      }
    } catch (error) {
      // The answer still goes out. The claim stays until its lease ends, so a retry meanwhile gets
      // 409 rather than running the request a second time.
      logger.error({ err: error }, 'could not record the idempotency key outcome');
    }
    return payload;
  });

  const purge = setInterval(() => {
    store.purgeExpired().catch((error: unknown) => logger.warn({ err: error }, 'idempotency key purge failed'));
  }, PURGE_EVERY_MS);
  purge.unref();
  app.addHook('onClose', async () => clearInterval(purge));
}
