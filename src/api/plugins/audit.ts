// Records every admin action answered over HTTP in the audit trail, after its answer. Key creation and
// revocation record their success in their own transaction. A request without credentials is not audited.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiApp } from '../types.ts';
import type { AuditTrail } from '../../application/audit/audit-trail.ts';
import type { AdminActionData } from '../../events/catalog.ts';
import type { Logger } from '../../observability/logger.ts';

interface Audited {
  readonly action: string;
  /** The entity acted on, from the path or the answer (a new job's or session's Location). */
  readonly target?: (request: FastifyRequest, reply: FastifyReply) => unknown;
  /** Recorded only when it failed (the action records its success itself). */
  readonly failuresOnly?: boolean;
}

const param = (name: string) => (request: FastifyRequest) => (request.params as Record<string, unknown>)[name];
const created = (_request: FastifyRequest, reply: FastifyReply) =>
  String(reply.getHeader('location') ?? '')
    .split('/')
    .pop() || null;

const BASE = '/api/v1';
export const AUDITED_ROUTES: Readonly<Record<string, Audited>> = {
  [`POST ${BASE}/event-replay/replay`]: { action: 'replay.start', target: created },
  [`POST ${BASE}/event-replay/replay/:id/cancel`]: { action: 'replay.cancel', target: param('id') },
  [`POST ${BASE}/event-replay/restore`]: { action: 'offsets.restore' },
  [`POST ${BASE}/event-replay/rebuild`]: { action: 'read-models.rebuild' },
  [`POST ${BASE}/event-replay/debug-session`]: { action: 'debug-session.open', target: created },
  [`DELETE ${BASE}/event-replay/debug-session/:id`]: { action: 'debug-session.close', target: param('id') },
  [`POST ${BASE}/cache/warm`]: { action: 'cache.warm' },
  [`PUT ${BASE}/test-clock`]: { action: 'test-clock.set' },
  [`POST ${BASE}/keys`]: { action: 'apikey.create', failuresOnly: true },
  [`POST ${BASE}/keys/:keyId/revoke`]: { action: 'apikey.revoke', target: param('keyId'), failuresOnly: true },
};

const MAX_PARAMETER_BYTES = 4096;

function parameters(request: FastifyRequest): Record<string, unknown> {
  const body = typeof request.body === 'object' && request.body !== null ? request.body : {};
  const query = request.query as Record<string, unknown> | undefined;
  const all = { ...body, ...(query && Object.keys(query).length > 0 ? { query } : {}) };
  const bytes = Buffer.byteLength(JSON.stringify(all));
  return bytes > MAX_PARAMETER_BYTES ? { truncated: true, bytes } : all;
}

function outcome(status: number): AdminActionData['outcome'] {
  if (status < 400) return 'SUCCEEDED';
  return status === 403 || status === 429 ? 'REFUSED' : 'FAILED';
}

type Entry = Parameters<AuditTrail['record']>[0];

function entryOf(request: FastifyRequest, reply: FastifyReply): Entry | undefined {
  const status = reply.statusCode;
  const failure = request.signInFailure;
  if (failure) {
    const { scheme, keyId } = failure;
    const route = `${request.method} ${request.routeOptions.url ?? ''}`;
    const target = keyId === null ? null : `${scheme === 'api-key' ? 'key' : 'kid'}:${keyId}`;
    const base = { actor: `ip:${request.ip}`, role: null, action: 'auth.failed', target };
    return { ...base, parameters: { scheme, route }, outcome: 'REFUSED', status };
  }
  const audited = AUDITED_ROUTES[`${request.method} ${request.routeOptions.url}`];
  if (!audited || !request.principal) return undefined;
  if (audited.failuresOnly && status < 400) return undefined;
  const target = audited.target?.(request, reply);
  return {
    actor: request.principal.id,
    role: request.principal.role,
    action: audited.action,
    target: target === undefined || target === null ? null : String(target),
    parameters: parameters(request),
    outcome: outcome(status),
    status,
  };
}

export function registerAuditTrail(app: ApiApp, audit: AuditTrail, logger: Logger): void {
  app.addHook('onResponse', async (request, reply) => {
    const entry = entryOf(request, reply);
    if (!entry) return;
    try {
      await audit.record(entry);
    } catch (error) {
      logger.error({ err: error, action: entry.action, reqId: request.id }, 'audit entry not recorded');
    }
  });
}
