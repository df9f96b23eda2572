// Typed, validated configuration. The only module that reads process.env: everything else
// receives a Config. A bad value stops start-up with a message naming the variable.

export type DeploymentMode = 'embedded' | 'single-server' | 'distributed';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** unset = embedded PGlite under dataDir */
  readonly databaseUrl: string | undefined;
  /** PostgreSQL schema for all tables (created if missing); default public */
  readonly databaseSchema: string | undefined;
  /** unset = the event log lives in the database */
  readonly kafkaBrokers: readonly string[] | undefined;
  /** unset = in-process cache only */
  readonly redisUrl: string | undefined;
  /** bootstrap admin key; unset = one is generated on first start and printed once */
  readonly adminApiKey: string | undefined;
  readonly logLevel: LogLevel;
  /** Partitions of bss.events when it is created (an existing topic keeps its count). */
  readonly eventPartitions: number;
  readonly shutdownTimeoutMs: number;
  readonly mode: DeploymentMode;
}

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, value: string, accepted: string) {
    super(`Invalid ${variable}=${JSON.stringify(mask(variable, value))}: expected ${accepted}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const SECRET_VARIABLES = new Set(['BSS_ADMIN_API_KEY', 'BSS_DATABASE_URL', 'BSS_REDIS_URL']);

type Env = Readonly<Record<string, string | undefined>>;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, raw, `an integer from ${min} to ${max}`);
  }
  return value;
}

function url(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, raw, `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  if (!protocols.includes(parsed.protocol) || parsed.hostname === '') {
    throw new ConfigError(name, raw, `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

function brokers(env: Env, name: string): string[] | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  const list = raw.split(',').map((b) => b.trim());
  const valid = list.every(
    (b) => /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(b) && Number(b.slice(b.lastIndexOf(':') + 1)) <= 65535,
  );
  if (!valid) throw new ConfigError(name, raw, 'a comma-separated list of host:port (e.g. 127.0.0.1:9092)');
  return list;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(name, raw, `one of ${allowed.join(', ')}`);
  return raw as T;
}

function identifier(env: Env, name: string): string | undefined {
  const raw = read(env, name);
  if (raw !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) {
    throw new ConfigError(name, raw, 'a lower-case SQL identifier (letters, digits, underscore; at most 63)');
  }
  return raw;
}

function secret(env: Env, name: string, minLength: number): string | undefined {
  const raw = read(env, name);
  if (raw !== undefined && (raw.length < minLength || /\s/.test(raw))) {
    throw new ConfigError(name, raw, `at least ${minLength} characters without spaces`);
  }
  return raw;
}

export function loadConfig(env: Env = process.env): Config {
  const databaseUrl = url(env, 'BSS_DATABASE_URL', ['postgres:', 'postgresql:']);
  const kafkaBrokers = brokers(env, 'BSS_KAFKA_BROKERS');
  if (kafkaBrokers && !databaseUrl) {
    throw new ConfigError(
      'BSS_KAFKA_BROKERS',
      kafkaBrokers.join(','),
      'to be used together with BSS_DATABASE_URL (distributed mode needs PostgreSQL)',
    );
  }
  return {
    port: integer(env, 'BSS_PORT', 8080, 0, 65535),
    host: read(env, 'BSS_HOST') ?? '127.0.0.1',
    dataDir: read(env, 'BSS_DATA_DIR') ?? './data',
    databaseUrl,
    databaseSchema: identifier(env, 'BSS_DATABASE_SCHEMA'),
    kafkaBrokers,
    redisUrl: url(env, 'BSS_REDIS_URL', ['redis:', 'rediss:']),
    adminApiKey: secret(env, 'BSS_ADMIN_API_KEY', 24),
    logLevel: oneOf(env, 'BSS_LOG_LEVEL', LOG_LEVELS, 'info'),
    eventPartitions: integer(env, 'BSS_EVENT_PARTITIONS', 12, 1, 1000),
    shutdownTimeoutMs: integer(env, 'BSS_SHUTDOWN_TIMEOUT_MS', 8000, 100, 60000),
    mode: kafkaBrokers ? 'distributed' : databaseUrl ? 'single-server' : 'embedded',
  };
}

/** Hides passwords in URLs and whole secret values, for printing. */
export function mask(variable: string, value: string): string {
  if (variable === 'BSS_ADMIN_API_KEY') return '********';
  if (!SECRET_VARIABLES.has(variable)) return value;
  try {
    const parsed = new URL(value);
    if (parsed.password) parsed.password = '****';
    return parsed.toString();
  } catch {
    return '********';
  }
}

/** The effective configuration as printable rows, secrets masked. */
export function describeConfig(config: Config): Record<string, string> {
  return {
    mode: config.mode,
    BSS_PORT: String(config.port),
    BSS_HOST: config.host,
    BSS_DATA_DIR: config.dataDir,
    BSS_DATABASE_URL: config.databaseUrl ? mask('BSS_DATABASE_URL', config.databaseUrl) : '(unset: embedded PGlite)',
    BSS_DATABASE_SCHEMA: config.databaseSchema ?? '(unset: public)',
    BSS_KAFKA_BROKERS: config.kafkaBrokers?.join(',') ?? '(unset: event log in the database)',
    BSS_REDIS_URL: config.redisUrl ? mask('BSS_REDIS_URL', config.redisUrl) : '(unset: in-process cache only)',
    BSS_ADMIN_API_KEY: config.adminApiKey ? '******** (set)' : '(unset: generated on first start)',
    BSS_LOG_LEVEL: config.logLevel,
    BSS_EVENT_PARTITIONS: String(config.eventPartitions),
    BSS_SHUTDOWN_TIMEOUT_MS: String(config.shutdownTimeoutMs),
  };
}
