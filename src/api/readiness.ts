// Only a required dependency (the database) fails /health/ready; others show degraded, still load-balanced.
import { Gauge, type Registry } from 'prom-client';

export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
  readonly required?: boolean;
}

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Record<string, { status: 'up' | 'down'; required: boolean; error?: string }>;
  readonly down: string[];
}

export async function runReadiness(checks: readonly ReadinessCheck[], timeoutMs = 2000): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async ({ name, check, required = true }) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([check(), timeout]);
        return [name, { status: 'up' as const, required }] as const;
      } catch (error) {
        return [name, { status: 'down' as const, required, error: (error as Error).message }] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return {
    ready: results.every(([, r]) => r.status === 'up' || !r.required),
    checks: Object.fromEntries(results),
    down: results.filter(([, r]) => r.status === 'down').map(([name]) => name),
  };
}

export function registerDependencyGauge(registry: Registry, checks: readonly ReadinessCheck[]): void {
  if (registry.getSingleMetric('bss_dependency_up')) return; // a second app over the same services
  new Gauge({
    name: 'bss_dependency_up',
    help: 'Whether a dependency of this instance answers (1) or not (0); required ones make it unready',
    labelNames: ['dependency', 'required'],
    registers: [registry],
    async collect() {
      const report = await runReadiness(checks, 1000);
      for (const [dependency, result] of Object.entries(report.checks))
        this.set({ dependency, required: String(result.required) }, result.status === 'up' ? 1 : 0);
    },
  });
}
