import { Counter, Histogram, type Registry } from 'prom-client';

export type Component = 'kafka' | 'redis' | 'postgres' | 'pglite' | 'order' | 'payment' | 'event' | 'api';

export interface OperationMetrics {
  observe(component: Component, operation: string, seconds: number, error?: unknown): void;
  failed(component: Component, error: unknown): void;
  /** One observation per type and unit of work: a 10,000-record batch must not drown single commands. */
  eventsProcessed(component: Component, types: Iterable<string>, seconds: number): void;
}

export const noOperationMetrics: OperationMetrics = { observe: () => {}, failed: () => {}, eventsProcessed: () => {} };

export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code)) return code;
  return error instanceof Error ? error.name : 'UNKNOWN';
}

const SECONDS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createOperationMetrics(registry: Registry): OperationMetrics {
  const duration = new Histogram({
    name: 'bss_operation_duration_seconds',
    help: 'Duration of instrumented operations by component and operation (its _count is the operation count)',
    labelNames: ['component', 'operation', 'outcome'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'bss_errors_total',
    help: 'Errors by component and error code',
    labelNames: ['component', 'code'] as const,
    registers: [registry],
  });
  const eventDuration = new Histogram({
    name: 'bss_event_processing_duration_seconds',
    help: 'Duration of the unit of work that processed events of a type: component api = the committing command, event = a consumer handler batch',
    labelNames: ['type', 'component'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  });
  return {
    observe(component, operation, seconds, error) {
      duration.observe({ component, operation, outcome: error === undefined ? 'ok' : 'error' }, seconds);
      if (error !== undefined) errors.inc({ component, code: errorCode(error) });
    },
    failed(component, error) {
      errors.inc({ component, code: errorCode(error) });
    },
    eventsProcessed(component, types, seconds) {
      for (const type of new Set(types)) eventDuration.observe({ type, component }, seconds);
    },
  };
}

/** `isFailure` tells a failure of the component from an error it only passes on (default: every error). */
export function instrument<A extends unknown[], R>(
  metrics: OperationMetrics,
  component: Component,
  operation: string,
  fn: (...args: A) => Promise<R>,
  isFailure: (error: unknown) => boolean = () => true,
): (...args: A) => Promise<R> {
  return async (...args: A) => {
    const started = process.hrtime.bigint();
    try {
      const result = await fn(...args);
      metrics.observe(component, operation, Number(process.hrtime.bigint() - started) / 1e9);
      return result;
    } catch (error) {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observe(component, operation, seconds, ...(isFailure(error) ? [error] : []));
      throw error;
    }
  };
}

export function instrumentMethods<T extends object>(target: T, metrics: OperationMetrics, component: Component): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(target)) {
    wrapped[name] =
      typeof value === 'function'
        ? instrument(metrics, component, name, (...args: unknown[]) => Promise.resolve(value.apply(target, args)))
        : value;
  }
  return wrapped as T;
}
