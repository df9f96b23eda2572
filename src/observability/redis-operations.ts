// Books each failed Redis command of the cache as bss_errors_total{component="redis"}, beside the others.
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
