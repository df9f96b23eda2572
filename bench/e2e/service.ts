// The service as the bench runs it: src/main.ts in its own process (as an operator would start it),
// optionally under `node --cpu-prof` so a profile of the peak is written when it exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { REPO } from '../lib/machine.ts';

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
  const child = spawn(process.execPath, [...nodeArgs, options.main ?? `${REPO}src/main.ts`], {
    env: { PATH: process.env['PATH'] ?? '', BSS_PORT: '0', BSS_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  child.stdout?.setEncoding('utf8').on('data', (c: string) => out.push(c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => out.push(c));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`service did not start:\n${out.join('')}`)),
      options.timeoutMs ?? 60_000,
    );
    const poll = setInterval(() => {
      const match = /URL:\s+(http:\/\/\S+)/.exec(out.join(''));
      if (match?.[1]) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(match[1]);
      }
    }, 25);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}:\n${out.join('')}`));
    });
  });
  // A service that dies under load says why (its last output) instead of leaving the bench with a
  // bare "socket closed" from its next request.
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping)
      process.stderr.write(
        `\nbench: the service exited unexpectedly (code ${code}, signal ${signal}):\n${out.join('').slice(-4_000)}\n`,
      );
  });
  return {
    child,
    pid: child.pid as number,
    url,
    log: () => out.join('').slice(-4_000),
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      stopping = true;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}
