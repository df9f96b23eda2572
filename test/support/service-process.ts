// Runs the real service (src/main.ts) as a child process, the way an operator would.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  stdout(): string;
  stderr(): string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface Exited {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface LaunchOptions {
  /** Another checkout's src/main.ts (the bench compares versions); default this one's. */
  readonly main?: string;
  /** Node flags before the script, e.g. --cpu-prof. */
  readonly nodeArgs?: readonly string[];
}

function launch(
  env: Record<string, string>,
  options: LaunchOptions = {},
): { child: ChildProcess; out: string[]; err: string[] } {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.main ?? MAIN], {
    env: { PATH: process.env['PATH'] ?? '', BSS_PORT: '0', BSS_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  const err: string[] = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => out.push(chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => err.push(chunk));
  return { child, out, err };
}

/** Starts the service and waits until it prints its URL. */
export async function startService(
  env: Record<string, string>,
  timeoutMs = 60_000,
  options: LaunchOptions = {},
): Promise<ServiceProcess> {
  const { child, out, err } = launch(env, options);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A start that failed must not leave a process behind: it would keep the test run alive.
      child.kill('SIGKILL');
      reject(new Error(`service did not start in ${timeoutMs} ms:\n${err.join('')}`));
    }, timeoutMs);
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
      reject(new Error(`service exited with ${code} before it started:\n${err.join('')}`));
    });
  });
  return {
    child,
    url,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    async stop(signal = 'SIGTERM') {
      // Exited already: by itself (exitCode) or by a signal (signalCode; exitCode stays null), so no
      // 'exit' event is coming.
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

/** Runs the service expecting it to exit by itself (e.g. on bad configuration). */
export async function runServiceToExit(env: Record<string, string>, timeoutMs = 30_000): Promise<Exited> {
  const { child, out, err } = launch(env);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout: out.join(''), stderr: err.join('') };
}
