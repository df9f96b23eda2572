// Per-caller rate limits (API key, JWT subject, or client IP on public routes). Health and metrics are
// never limited: probes and scrapes must always answer.
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import type { ApiApp } from '../types.ts';
import type { SecurityConfig } from '../../config.ts';
import { BssError } from '../../errors.ts';

const EXEMPT = /^\/(health\/|metrics$)/;

export const rateLimitKey = (request: FastifyRequest): string => request.principal?.id ?? `ip:${request.ip}`;

export async function registerRateLimit(
  app: ApiApp,
  config: Pick<SecurityConfig, 'rateLimitMax' | 'rateLimitWindowMs'>,
  store?: new () => unknown,
): Promise<void> {
  if (config.rateLimitMax === 0) return;
  await app.register(rateLimit, {
    max: config.rateLimitMax,
    timeWindow: config.rateLimitWindowMs,
    // Route hooks run after the global onRequest hooks, so the caller is authenticated by now.
    hook: 'onRequest',
    keyGenerator: rateLimitKey,
    allowList: (request) => EXEMPT.test(request.routeOptions.url ?? ''),
    enableDraftSpec: true,
    ...(store ? { store: store as never } : {}),
    errorResponseBuilder: (_request, context) =>
      new BssError(
        'RATE_LIMITED',
        `more than ${context.max} requests in ${config.rateLimitWindowMs} ms from this caller; retry in ${context.after}`,
        { status: 429, retryable: true },
      ),
  });
}
