// Builds the API app around given services for inject() tests; logs go nowhere.
import { createMetricsRegistry } from '../../src/observability/metrics.ts';
import { buildApp } from '../../src/api/app.ts';
import type { ReadinessCheck } from '../../src/api/readiness.ts';
import type { ApiApp } from '../../src/api/types.ts';
import { createLogger } from '../../src/observability/logger.ts';

export async function testApp(readiness: readonly ReadinessCheck[] = []): Promise<ApiApp> {
  return buildApp({ logger: createLogger('silent'), registry: createMetricsRegistry(), readiness });
}
