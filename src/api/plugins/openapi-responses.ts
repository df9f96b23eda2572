// The cross-cutting error statuses (auth, limits, Idempotency-Key, dependencies) go into every secured
// route's OpenAPI entry once here, as problem+json, instead of in every route.
import { STATUS_CODES } from 'node:http';
import type { RouteOptions } from 'fastify';
import type { TSchema } from 'typebox';
import type { ApiApp } from '../types.ts';
import { Problem } from '../schemas/common.ts';

type Schema = Record<string, unknown>;

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function crossCuttingStatuses(method: string, url: string, schema: Schema): number[] {
  // 431: a request line or headers over Node's limit (a long query string too) are refused before routing.
  const statuses = [400, 401, 403, 429, 431, 503];
  if (url.includes(':')) statuses.push(404, 414);
  // Idempotency-Key: a retry while the first runs (409), the key reused for another request (422).
  if ((method === 'POST' || method === 'PATCH') && url.startsWith('/api/v1')) statuses.push(409, 422);
  if (WRITES.has(method) && schema['body'] !== undefined) statuses.push(413, 415);
  return statuses;
}

function problemResponse(status: number): Schema {
  return {
    description: STATUS_CODES[status] ?? 'Error',
    content: { 'application/problem+json': { schema: Problem } },
  };
}

export function withProblemResponses(method: string, url: string, schema: Schema): Schema {
  const response = { ...((schema['response'] as Record<string, TSchema> | undefined) ?? {}) };
  const listed = Object.keys(response)
    .map(Number)
    .filter((status) => status >= 400);
  for (const status of new Set([...listed, ...crossCuttingStatuses(method, url, schema)])) {
    response[status] = problemResponse(status) as unknown as TSchema;
  }
  return { ...schema, response };
}

/** Call before any route is registered (like registerAuth): routes added earlier keep their entry. */
export function registerProblemResponses(app: ApiApp): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as Schema | undefined;
    if (!schema || schema['hide'] || route.config?.public) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    route.schema = withProblemResponses(methods[0] ?? 'GET', route.url, schema);
  });
}
