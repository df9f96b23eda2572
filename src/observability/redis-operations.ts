// Redis errors by component. The cache talks to Redis inside src/cache and reports through its own
// CacheMetrics (bss_cache_requests_total{level="l2"} counts the Redis reads, bss_cache_errors_total the
// failed Redis commands by cache operation); this bridge also books each failure as
// bss_errors_total{component="redis", code=<cache operation>}, so Redis sits beside kafka, postgres,
// order, payment and event in the error-rate-by-component panel.
import type { OperationMetrics } from './instrument.ts';

interface CacheErrorsLike {
  error(operation: string): void;
}

export function countRedisErrors<M extends CacheErrorsLike>(metrics: M, operations: OperationMetrics): M {
  return {
    ...metrics,
    error(operation: string) {
      metrics.error(operation);
      operations.failed('redis', { code: operation });
    },
  };
}
