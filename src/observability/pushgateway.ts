// One-shot jobs (a billing run, a rebuild, a load or chaos run) end before Prometheus could scrape them,
// so they push their result to a Pushgateway (BSS_PUSHGATEWAY_URL), which Prometheus scrapes with
// honor_labels. Every job pushes the same four series under its own `job` label, plus its own numbers:
//   bss_job_last_run_timestamp_seconds, bss_job_last_run_success (1/0), bss_job_last_run_duration_seconds,
//   bss_job_last_success_timestamp_seconds (only on success).
// Pushed with POST (prom-client's pushAdd): a failed run replaces the series it pushes and keeps the
// last success's timestamp, so "no success for N hours" can alert (BSSBillingRunOverdue).
import { Gauge, Pushgateway, Registry } from 'prom-client';

export interface JobResult {
  /** The Pushgateway job (grouping key), e.g. bss_billing_run. */
  readonly job: string;
  readonly success: boolean;
  readonly durationSeconds: number;
  /** When the run ended; default now. */
  readonly finishedAt?: Date;
  /** More grouping labels (an environment, a schema): one group per distinct set. */
  readonly groupings?: Readonly<Record<string, string>>;
  /** The job's own result numbers, as gauges: name (bss_… base units) → value and help. */
  readonly values?: Readonly<Record<string, { readonly value: number; readonly help: string }>>;
}

/** The registry a JobResult becomes: one gauge per series, no labels (the grouping key labels them). */
export function jobRegistry(result: JobResult): Registry {
  const registry = new Registry();
  const gauge = (name: string, help: string, value: number) => {
    new Gauge({ name, help, registers: [registry] }).set(value);
  };
  const finished = (result.finishedAt ?? new Date()).getTime() / 1000;
  gauge('bss_job_last_run_timestamp_seconds', 'when the last run of this job ended', finished);
  gauge('bss_job_last_run_success', '1 if the last run of this job succeeded, else 0', result.success ? 1 : 0);
  gauge('bss_job_last_run_duration_seconds', 'how long the last run of this job took', result.durationSeconds);
  if (result.success) {
    gauge('bss_job_last_success_timestamp_seconds', 'when a run of this job last succeeded', finished);
  }
  for (const [name, { value, help }] of Object.entries(result.values ?? {})) gauge(name, help, value);
  return registry;
}

/**
 * Pushes a job's result when `url` is set; without one it does nothing. A Pushgateway that is down
 * must not fail the job it reports on: the error is returned for the caller to print.
 */
export async function pushJobResult(url: string | undefined, result: JobResult): Promise<Error | undefined> {
  if (url === undefined) return undefined;
  const gateway = new Pushgateway(url, { timeout: 5_000 }, jobRegistry(result));
  try {
    // prom-client rejects a status >= 400 with the Pushgateway's message
    await gateway.pushAdd({ jobName: result.job, groupings: { ...result.groupings } });
    return undefined;
  } catch (error) {
    return new Error(`cannot push to the Pushgateway ${url}: ${(error as Error).message}`);
  }
}

/** Times `run` and pushes its success or failure; the run's own result or error passes through. */
export async function withJobResult<T>(
  url: string | undefined,
  job: string,
  run: () => Promise<T>,
  describe: (result: T) => Pick<JobResult, 'success' | 'values'> = () => ({ success: true }),
  warn: (message: string) => void = (m) => void process.stderr.write(`bss: ${m}\n`),
): Promise<T> {
  const started = performance.now();
  const push = async (outcome: Pick<JobResult, 'success' | 'values'>) => {
    const durationSeconds = (performance.now() - started) / 1000;
    const error = await pushJobResult(url, { job, durationSeconds, ...outcome });
    if (error) warn(error.message);
  };
  let result: T;
  try {
    result = await run();
  } catch (error) {
    await push({ success: false });
    throw error;
  }
  await push(describe(result));
  return result;
}
