// What a result was measured on: the machine, and the real services of scripts/services.sh.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';

export const REPO = new URL('../../', import.meta.url).pathname;
// BSS_SERVICES_DIR: the .services of another checkout (a worktree measuring the services main started).
const SERVICES = process.env['BSS_SERVICES_DIR'] ?? `${REPO}.services`;
/** The Kafka jars scripts/services.sh installed (broker, clients, tools). */
export const KAFKA_LIBS = `${SERVICES}/kafka/libs`;

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly versions: Readonly<Record<string, string>>;
}

/** `versions`: of the services a bench used (see kafkaVersion, and SELECT version() for PostgreSQL). */
export function machineInfo(versions: Record<string, string> = {}): MachineInfo {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    versions: { java: javaVersion(), ...versions },
  };
}

/** The broker's version, from the kafka-clients jar next to it. */
export function kafkaVersion(): string {
  const jar = existsSync(KAFKA_LIBS)
    ? readdirSync(KAFKA_LIBS).find((f) => /^kafka-clients-.*\.jar$/.test(f))
    : undefined;
  return jar?.replace(/^kafka-clients-(.*)\.jar$/, '$1') ?? 'unknown';
}

function javaVersion(): string {
  const run = spawnSync('java', ['-version'], { encoding: 'utf8' }); // it prints to stderr
  return run.error ? 'not found' : (run.stderr.split('\n')[0] ?? 'unknown');
}

/** The pid of a service scripts/services.sh started, for CPU accounting; undefined when it is not ours. */
export function servicePid(name: 'kafka' | 'postgres'): number | undefined {
  const file = name === 'postgres' ? `${SERVICES}/postgres/data/postmaster.pid` : `${SERVICES}/${name}/${name}.pid`;
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run benchmarks with "npm run bench" (bench/run.sh starts the services)`);
  return value;
}

/** A name no other run uses: for schemas, topics, groups. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** The installed version of an npm package, e.g. a client library a bench compares. */
export function packageVersion(name: string): string {
  try {
    const manifest = JSON.parse(readFileSync(`${REPO}node_modules/${name}/package.json`, 'utf8')) as {
      version?: string;
    };
    return manifest.version ?? 'unknown';
  } catch {
    return 'not installed';
  }
}
