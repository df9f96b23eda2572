// Builds the API app around given services for inject() tests; logs go nowhere. Every caller counts as
// an admin here: these tests are about the HTTP plumbing, test/api/plugins/auth.unit.test.ts about auth.
import { createMetricsRegistry } from '../../src/observability/metrics.ts';
import { buildApp } from '../../src/api/app.ts';
import type { ReadinessCheck } from '../../src/api/readiness.ts';
import type { ApiApp } from '../../src/api/types.ts';
import type { Authenticator } from '../../src/application/auth/authenticator.ts';
import { createLogger } from '../../src/observability/logger.ts';

export const everyoneIsAdmin: Authenticator = {
  bearer: false,
  authenticate: async () => ({ ok: true, principal: { id: 'test', role: 'admin', via: 'api-key' } }),
};

export async function testApp(readiness: readonly ReadinessCheck[] = []): Promise<ApiApp> {
  return buildApp({
    logger: createLogger('silent'),
    registry: createMetricsRegistry(),
    readiness,
    auth: everyoneIsAdmin,
  });
}
