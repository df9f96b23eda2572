// Deny by default: a route is public only with `config: { public: true }`; GET/HEAD need viewer, other
// methods operator. Runs on onRequest, so an unauthenticated request is refused before its body is read.
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { ApiApp } from '../types.ts';
import type { Role } from '../../application/auth/api-keys.ts';
import type { Authenticator, Credentials, Principal } from '../../application/auth/authenticator.ts';
import { allows } from '../../application/auth/roles.ts';
import type { SignInFailures } from '../../application/auth/sign-in-failures.ts';
import { sendProblem } from './problem.ts';
import { failedSignIn, type FailedSignIn, refuseBlocked } from './sign-in-limit.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    public?: boolean;
    role?: Role;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** Set when the caller sent a bad API key or token (counted per address, audited). */
    signInFailure: FailedSignIn | null;
  }
}

/** Swagger UI registers its own routes under this prefix; they are marked public as they are added. */
const DOCS_PREFIX = '/docs';
const REALM = 'realm="bss"';

export function requiredRole(method: string, config: { role?: Role }): Role {
  return config.role ?? (method === 'GET' || method === 'HEAD' ? 'viewer' : 'operator');
}

function credentialsOf(request: FastifyRequest): Credentials | string {
  const apiKey = request.headers['x-api-key'];
  const authorization = request.headers.authorization;
  if (Array.isArray(apiKey)) return 'send one X-API-Key header';
  let bearer: string | undefined;
  if (authorization !== undefined) {
    const match = /^Bearer +(\S+)\s*$/i.exec(authorization);
    if (!match) return 'Authorization must use the Bearer scheme';
    bearer = match[1];
  }
  return { ...(apiKey !== undefined ? { apiKey } : {}), ...(bearer !== undefined ? { bearer } : {}) };
}

function challenge(authenticator: Authenticator, invalidToken: boolean): string {
  const challenges = [`ApiKey ${REALM}`];
  if (authenticator.bearer) challenges.push(`Bearer ${REALM}${invalidToken ? ', error="invalid_token"' : ''}`);
  return challenges.join(', ');
}

function unauthenticated(reply: FastifyReply, request: FastifyRequest, header: string, detail: string) {
  reply.header('www-authenticate', header);
  return sendProblem(reply, request, { status: 401, code: 'UNAUTHENTICATED', detail });
}

function documentSecurity(route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const config = route.config ?? {};
  if (config.public) {
    route.schema = { ...route.schema, security: [] };
    return;
  }
  const role = requiredRole(methods[0] ?? 'GET', config);
  const description = route.schema?.description;
  route.schema = {
    ...route.schema,
    security: [{ apiKey: [] }, { bearer: [] }],
    description: `${description ? `${description}\n\n` : ''}Requires the \`${role}\` role (or higher).`,
  };
}

/** Call before any route is registered: routes added earlier are neither marked nor documented. */
export function registerAuth(app: ApiApp, authenticator: Authenticator, signIns?: SignInFailures): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('signInFailure', null);

  app.addHook('onRoute', (route) => {
    if (route.url === DOCS_PREFIX || route.url.startsWith(`${DOCS_PREFIX}/`)) {
      route.config = { ...route.config, public: true };
    }
    documentSecurity(route);
  });

  app.addHook('onRequest', async (request, reply) => {
    // Unknown routes answer 404 whoever asks: the route table is public in /openapi.json anyway.
    if (request.is404) return;
    const config = request.routeOptions.config;
    if (config.public) return;

    const credentials = credentialsOf(request);
    if (typeof credentials === 'string') {
      return unauthenticated(reply, request, challenge(authenticator, false), credentials);
    }
    // Checked together, so a blocked address cannot tell a right guess from a wrong one.
    const [blockedMs, result] = await Promise.all([
      signIns?.blockedFor(request.ip) ?? 0,
      authenticator.authenticate(credentials),
    ]);
    if (blockedMs > 0) return refuseBlocked(reply, request, blockedMs);
    if (!result.ok) {
      if (result.scheme !== 'none') {
        request.signInFailure = failedSignIn(result.scheme, credentials);
        await signIns?.record(request.ip);
      }
      return unauthenticated(reply, request, challenge(authenticator, result.scheme === 'bearer'), result.reason);
    }

    const need = requiredRole(request.method, config);
    const { principal } = result;
    // Known even when refused: the audit trail names who tried (plugins/audit.ts).
    request.principal = principal;
    if (principal.role === null || !allows(principal.role, need)) {
      if (principal.via === 'bearer') reply.header('www-authenticate', `Bearer ${REALM}, error="insufficient_scope"`);
      return sendProblem(reply, request, {
        status: 403,
        code: 'FORBIDDEN',
        detail: `${request.method} ${request.routeOptions.url} needs the ${need} role; the caller has ${principal.role ?? 'no BSS role'}`,
      });
    }
  });
}
