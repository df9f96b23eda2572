// One-shot jobs end before Prometheus could scrape them, so they push. POST (pushAdd) keeps the last
// success's timestamp across a failed run, so "no success for N hours" can alert.
import { Gauge, Pushgateway, Registry } from 'prom-client';

export interface JobResult {
  readonly job: string;
  readonly success: boolean;
  readonly durationSeconds: number;
  readonly finishedAt?: Date;
  readonly groupings?: Readonly<Record<string, string>>;
  readonly values?: Readonly<Record<string, { readonly value: number; readonly help: string }>>;
}

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

/** A Pushgateway that is down must not fail the job: the error is returned for the caller to print. */
export async function pushJobResult(url: string | undefined, result: JobResult): Promise<Error | undefined> {
  if (url === undefined) return undefined;
  const gateway = new Pushgateway(url, { timeout: 5_000 }, jobRegistry(result));
  try {
    await gateway.pushAdd({ jobName: result.job, groupings: { ...result.groupings } });
    return undefined;
  } catch (error) {
    return new Error(`cannot push to the Pushgateway ${url}: ${(error as Error).message}`);
  }
}

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
