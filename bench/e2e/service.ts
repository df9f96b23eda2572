// The service as the bench runs it: src/main.ts in its own process (as an operator would start it,
// through the same launcher as the tests), optionally under `node --cpu-prof` so a profile of the
// peak is written when it exits.
import type { ChildProcess } from 'node:child_process';
import { startService } from '../../test/support/service-process.ts';

export interface BenchService {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  log(): string;
  /** SIGTERM, then the exit code (a --cpu-prof profile is written on the way out). */
  stop(): Promise<number | null>;
}

export async function startBenchService(
  env: Record<string, string>,
  options: { cpuProfDir?: string; timeoutMs?: number; main?: string } = {},
): Promise<BenchService> {
  const nodeArgs = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  const service = await startService(env, options.timeoutMs ?? 60_000, {
    nodeArgs,
    ...(options.main ? { main: options.main } : {}),
  });
  const log = () => `${service.stdout()}${service.stderr()}`.slice(-4_000);
  // A service that dies under load says why (its last output) instead of leaving the bench with a
  // bare "socket closed" from its next request.
  let stopping = false;
  service.child.once('exit', (code, signal) => {
    if (!stopping)
      process.stderr.write(`\nbench: the service exited unexpectedly (code ${code}, signal ${signal}):\n${log()}\n`);
  });
  return {
    child: service.child,
    pid: service.child.pid as number,
    url: service.url,
    log,
    stop() {
      stopping = true;
      return service.stop('SIGTERM');
    },
  };
}
