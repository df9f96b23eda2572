// Helmet's security headers (computed once: they depend on no request) and a CORS policy closed unless
// origins are configured. The console and Swagger UI need no CSP exception: they load only 'self'.
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import cors from '@fastify/cors';
import type { ApiApp } from '../types.ts';

/** Helmet's defaults without upgrade-insecure-requests: the service is often reached over plain HTTP. */
export const CONTENT_SECURITY_POLICY = {
  useDefaults: true,
  directives: {
    'upgrade-insecure-requests': null,
    'connect-src': ["'self'"],
    'frame-ancestors': ["'none'"],
  },
};

export function helmetHeaders(options: Readonly<HelmetOptions>): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, () => {});
  return headers;
}

export async function registerSecurityHeaders(app: ApiApp, corsOrigins: readonly string[]): Promise<void> {
  // The preflight route the CORS plugin adds answers without credentials (browsers send none).
  app.addHook('onRoute', (route) => {
    if (route.method === 'OPTIONS' && route.url === '*') route.config = { ...route.config, public: true };
  });
  const headers = helmetHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY });
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  // Credentials are headers (X-API-Key, Authorization), never cookies.
  await app.register(cors, {
    origin: corsOrigins.length > 0 ? [...corsOrigins] : false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'x-api-key', 'content-type', 'idempotency-key', 'if-match', 'x-request-id'],
    exposedHeaders: [
      'etag',
      'location',
      'retry-after',
      'x-request-id',
      'idempotent-replayed',
      'ratelimit-limit',
      'ratelimit-remaining',
      'ratelimit-reset',
    ],
    maxAge: 600,
  });
}
