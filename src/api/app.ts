// Never reads configuration or opens connections, so tests build it with any services and inject().
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyHttpOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';
import type { Logger } from '../observability/logger.ts';
import { registerDependencyGauge, type ReadinessCheck } from './readiness.ts';
import type { ApiApp } from './types.ts';
import { registerProblemHandler } from './plugins/problem.ts';
import { clientErrorHandler, frameworkErrors, registerNotFound } from './plugins/http-errors.ts';
import { registerValidators } from './plugins/validation.ts';
import { registerJsonBodyParser } from './plugins/json-body.ts';
import { registerHttpMetrics } from './plugins/http-metrics.ts';
import { registerAuth } from './plugins/auth.ts';
import { registerIdempotency } from './plugins/idempotency.ts';
import { registerProblemResponses } from './plugins/openapi-responses.ts';
import { finishDocument } from './openapi-document.ts';
import { registerAdmission } from './plugins/admission.ts';
import { type AdmissionGate, createAdmissionGate, gatedServer } from './admission-gate.ts';
import { lazySerializers } from './lazy-serializers.ts';
import { registerRateLimit } from './plugins/rate-limit.ts';
import { createMemorySignInFailures, type SignInFailures } from '../application/auth/sign-in-failures.ts';
import { registerSecurityHeaders } from './plugins/security-headers.ts';
import { defaultSecurity, type SecurityConfig } from '../config.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoute } from './routes/metrics.ts';
import { apiV1 } from './routes/v1/index.ts';
import { consoleRoutes } from './routes/console.ts';
import { liveRoutes } from './routes/v1/live.ts';
import { eventHistogramRoutes } from './routes/v1/event-histogram.ts';
import { replayHandlerRoutes } from './routes/v1/replay-handlers.ts';
import { createLiveMetrics } from '../observability/live-metrics.ts';
import type { Application } from '../application/services.ts';
import type { TestClock } from '../application/test-clock.ts';
import { testClockRoutes } from './routes/v1/test-clock.ts';
import { eventReplayRoutes } from './routes/v1/event-replay.ts';
import type { EventReplayServices } from './routes/v1/event-replay-services.ts';
import { cacheRoutes } from './routes/v1/cache.ts';
import { consumerGroupRoutes } from './routes/v1/consumer-groups.ts';
import type { Cache } from '../cache/index.ts';
import type { Authenticator } from '../application/auth/authenticator.ts';
import type { ApiKeyAdmin } from '../application/auth/key-admin.ts';
import { keyRoutes } from './routes/v1/keys.ts';
import type { AuditTrail } from '../application/audit/audit-trail.ts';
import { registerAuditTrail } from './plugins/audit.ts';
import { auditRoutes } from './routes/v1/audit.ts';
import type { Admission } from '../application/admission.ts';
import type { ConcurrencyLimit } from '../application/concurrency-limit.ts';

export interface AppServices {
  readonly logger: Logger;
  readonly registry: Registry;
  /** /metrics text when it is not this registry's alone (every worker's, under a supervisor). */
  readonly metricsText?: () => Promise<string>;
  readonly readiness: readonly ReadinessCheck[];
  readonly auth: Authenticator;
  readonly application?: Application;
  readonly testClock?: TestClock | undefined;
  readonly replay?: EventReplayServices;
  readonly cache?: Cache;
  readonly admission?: Admission;
  readonly concurrency?: ConcurrencyLimit;
  readonly keys?: ApiKeyAdmin;
  readonly audit?: AuditTrail;
  readonly security?: SecurityConfig;
  readonly rateLimitStore?: new () => unknown;
  readonly signInFailures?: SignInFailures;
}

export const BODY_LIMIT_BYTES = defaultSecurity().bodyLimitBytes;

export async function buildApp(services: AppServices): Promise<ApiApp> {
  const security = services.security ?? defaultSecurity();
  const gate = services.admission && createAdmissionGate(services.admission, services.registry, services.concurrency);
  const app = Fastify(fastifyOptions(services, security, gate)).withTypeProvider<TypeBoxTypeProvider>();
  await registerRequestHandling(app, services, security, gate);
  await registerDocs(app);
  await registerRoutes(app, services);
  return app;
}

function fastifyOptions(
  services: AppServices,
  security: SecurityConfig,
  gate: AdmissionGate | undefined,
): FastifyHttpOptions<Server> {
  return {
    ...(gate ? { serverFactory: gatedServer(gate, security.maxHeaderBytes) } : {}),
    loggerInstance: services.logger as FastifyBaseLogger,
    bodyLimit: security.bodyLimitBytes,
    http: { maxHeaderSize: security.maxHeaderBytes },
    // Long ids reach schema validation (400 problem naming the param) instead of the router's bare 414.
    routerOptions: { maxParamLength: security.maxParamLength },
    frameworkErrors,
    clientErrorHandler,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Every line a request logs (the completed line, errors) names the client, not only the first.
    childLoggerFactory: (logger, bindings, options, raw) =>
      logger.child({ ...bindings, remoteAddress: raw.socket?.remoteAddress }, options),
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    schemaController: { compilersFactory: { buildSerializer: lazySerializers() } },
  };
}

async function registerRequestHandling(
  app: ApiApp,
  services: AppServices,
  security: SecurityConfig,
  gate: AdmissionGate | undefined,
): Promise<void> {
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  await registerSecurityHeaders(app, security.corsOrigins);
  registerValidators(app);
  registerJsonBodyParser(app, security.maxJsonDepth);
  registerProblemHandler(app);
  registerNotFound(app);
  registerHttpMetrics(app, services.registry);
  // Before any route, so every route (Swagger UI's included) is marked and documented.
  const { authFailureMax: max, authFailureWindowMs: windowMs } = security;
  const signIns = max === 0 ? undefined : (services.signInFailures ?? createMemorySignInFailures({ max, windowMs }));
  // Before auth: a refusal costs no key check and no sign-in-limit round trip to Redis, and tells an
  // unauthenticated caller no more than that the service is busy.
  if (gate) registerAdmission(app, gate);
  registerAuth(app, services.auth, signIns);
  registerProblemResponses(app);
  // After auth (its route hooks then run once the caller is known), before any route.
  await registerRateLimit(app, security, services.rateLimitStore);
  if (services.audit) registerAuditTrail(app, services.audit, services.logger);
}

async function registerDocs(app: ApiApp): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'BSS API',
        version: '0.1.0',
        description:
          'Telecom Business Support System core: customers, orders, subscriptions, usage, invoices, payments.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
    },
    transformObject: (document) =>
      'openapiObject' in document
        ? finishDocument(document.openapiObject as Record<string, unknown>)
        : document.swaggerObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
}

async function registerRoutes(app: ApiApp, services: AppServices): Promise<void> {
  await app.register(healthRoutes(services.readiness));
  registerDependencyGauge(services.registry, services.readiness);
  await app.register(metricsRoute(services.registry, services.metricsText));
  await app.register(consoleRoutes());
  const application = services.application;
  if (application) await app.register(v1Routes(services, application), { prefix: '/api/v1' });
  // Outside the idempotency scope: a stored response would keep the new key's plaintext.
  if (services.keys) await app.register(keyRoutes(services.keys), { prefix: '/api/v1' });
  if (services.audit) await app.register(auditRoutes(services.audit), { prefix: '/api/v1' });
}

function v1Routes(services: AppServices, application: Application) {
  return async (v1: ApiApp) => {
    // Before idempotency: a refused write claims no key, so its retry runs it.
    const { idempotency } = application;
    services.admission?.watch(() => idempotency.claimLoad().oldestWaitMs);
    registerIdempotency(v1, idempotency, services.logger);
    await v1.register(apiV1(application));
    await v1.register(liveRoutes(createLiveMetrics(services.registry)));
    if (services.testClock) await v1.register(testClockRoutes(services.testClock));
    const { replay, cache } = services;
    if (replay) {
      await v1.register(eventReplayRoutes(replay), { prefix: '/event-replay' });
      await v1.register(eventHistogramRoutes(replay), { prefix: '/event-replay' });
      await v1.register(replayHandlerRoutes(replay), { prefix: '/event-replay' });
      await v1.register(consumerGroupRoutes(replay));
    }
    if (cache) await v1.register(cacheRoutes(cache));
  };
}
