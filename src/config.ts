// The only module that reads process.env; a bad value stops start-up naming the variable. Each variable's
// meaning and default: the README configuration table.
import { readFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';

export type DeploymentMode = 'embedded' | 'single-server' | 'distributed';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly databaseSchema: string | undefined;
  readonly kafkaBrokers: readonly string[] | undefined;
  readonly redisUrl: string | undefined;
  readonly cachePrefix: string;
  readonly adminApiKey: string | undefined;
  readonly logLevel: LogLevel;
  readonly eventPartitions: number;
  readonly topicPrefix: string;
  readonly eventRetentionMs: number;
  readonly mediation: MediationConfig;
  readonly testClock: string | undefined;
  readonly shutdownTimeoutMs: number;
  readonly mode: DeploymentMode;
  readonly jwt: JwtConfig | undefined;
  readonly kafkaTuning: KafkaTuning;
  readonly writePath: WritePathConfig;
  readonly pushgatewayUrl: string | undefined;
  readonly workers: number;
  readonly security: SecurityConfig;
}

export interface SecurityConfig {
  readonly rateLimitMax: number;
  readonly rateLimitWindowMs: number;
  readonly authFailureMax: number;
  readonly authFailureWindowMs: number;
  readonly corsOrigins: readonly string[];
  readonly bodyLimitBytes: number;
  readonly maxHeaderBytes: number;
  readonly maxParamLength: number;
  readonly maxJsonDepth: number;
}

export interface WritePathConfig {
  readonly groupMaxCommands: number;
  readonly groupConcurrency: number;
  readonly groupSpacingMs: number;
  readonly maxPending: number;
  readonly maxQueueDelayMs: number;
  readonly shedIntervalMs: number;
  /** A Gradient2 concurrency limit on /api/v1 requests in progress (see bench/results/TUNING.md). */
  readonly shedLimit: 'adaptive' | 'off';
  readonly maxOutboxBacklog: number;
  readonly maxConsumerLag: number;
}

export type KafkaCompression = 'zstd' | 'lz4' | 'snappy' | 'gzip' | 'none';
export const KAFKA_COMPRESSIONS: readonly KafkaCompression[] = ['zstd', 'lz4', 'snappy', 'gzip', 'none'];

/** Each default is the one measured best (bench/results/TUNING.md). */
export interface KafkaTuning {
  readonly lingerMs: number;
  readonly maxBatchBytes: number;
  readonly compression: KafkaCompression | undefined;
  readonly compressMinBytes: number;
  readonly outboxBatchSize: number;
  readonly outboxGatherMs: number;
}

export interface MediationConfig {
  readonly enabled: boolean;
  readonly topic: string;
  readonly group: string;
}

export const DEFAULT_MEDIATION_TOPIC = 'bss.usage.mediation';
export const DEFAULT_MEDIATION_GROUP = 'bss-mediation';

export interface JwtConfig {
  readonly jwksUrl: string | undefined;
  readonly publicKeyPem: string | undefined;
  readonly publicKeySource: string | undefined;
  readonly issuer: string | undefined;
  readonly audience: readonly string[] | undefined;
  readonly roleClaim: string;
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
const SECRET_VARIABLES = new Set([
  'BSS_ADMIN_API_KEY',
  'BSS_API_KEY',
  'BSS_DATABASE_URL',
  'BSS_REDIS_URL',
  'BSS_JWT_JWKS_URL',
  'BSS_PUSHGATEWAY_URL',
]);

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

function topicPrefix(env: Env, name: string): string {
  const raw = read(env, name) ?? '';
  if (!/^[a-zA-Z0-9._-]{0,100}$/.test(raw)) throw new ConfigError(name, raw, 'at most 100 of a-z A-Z 0-9 . _ -');
  return raw;
}

/** Schema and topic prefix included, so test instances sharing one Redis never collide. */
function cachePrefix(env: Env, name: string, schema: string | undefined, topics: string): string {
  const raw = read(env, name);
  if (raw === undefined) return `bss:${schema ? `${schema}:` : ''}${topics ? `${topics}:` : ''}`;
  if (!/^[A-Za-z0-9:._-]{1,100}$/.test(raw)) throw new ConfigError(name, raw, '1 to 100 of a-z A-Z 0-9 : . _ -');
  return raw;
}

function kafkaName(env: Env, name: string, fallback: string): string {
  const raw = read(env, name) ?? fallback;
  if (!/^[a-zA-Z0-9._-]{1,100}$/.test(raw)) throw new ConfigError(name, raw, '1 to 100 of a-z A-Z 0-9 . _ -');
  return raw;
}

// On by default only in distributed mode; prefixed names keep environments sharing a cluster apart.
function mediation(env: Env, kafka: boolean, prefix: string): MediationConfig {
  const consumer = oneOf(env, 'BSS_MEDIATION_CONSUMER', ['on', 'off'] as const, kafka ? 'on' : 'off');
  if (consumer === 'on' && !kafka) {
    throw new ConfigError('BSS_MEDIATION_CONSUMER', consumer, 'off unless BSS_KAFKA_BROKERS is set');
  }
  return {
    enabled: consumer === 'on',
    topic: prefix + kafkaName(env, 'BSS_MEDIATION_TOPIC', DEFAULT_MEDIATION_TOPIC),
    group: prefix + kafkaName(env, 'BSS_MEDIATION_GROUP', DEFAULT_MEDIATION_GROUP),
  };
}

export interface MediationClientConfig {
  readonly brokers: readonly string[] | undefined;
  readonly topic: string;
  readonly group: string;
}

export function loadMediationClientConfig(brokersFlag?: string, env: Env = process.env): MediationClientConfig {
  const prefix = topicPrefix(env, 'BSS_TOPIC_PREFIX');
  return {
    brokers: brokers(brokersFlag ? { BSS_KAFKA_BROKERS: brokersFlag } : env, 'BSS_KAFKA_BROKERS'),
    topic: prefix + kafkaName(env, 'BSS_MEDIATION_TOPIC', DEFAULT_MEDIATION_TOPIC),
    group: prefix + kafkaName(env, 'BSS_MEDIATION_GROUP', DEFAULT_MEDIATION_GROUP),
  };
}

function retention(env: Env, name: string): number {
  const raw = read(env, name);
  if (raw === undefined) return -1;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value) || (value < 60_000 && value !== -1)) {
    throw new ConfigError(name, raw, '-1 (forever) or milliseconds ≥ 60000');
  }
  return value;
}

function testClock(env: Env, name: string): string | undefined {
  const raw = read(env, name);
  if (raw !== undefined && raw !== 'now' && Number.isNaN(Date.parse(raw))) {
    throw new ConfigError(name, raw, "'now' or an ISO-8601 time to start the test clock at");
  }
  return raw;
}

function identifier(env: Env, name: string): string | undefined {
  const raw = read(env, name);
  if (raw !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) {
    throw new ConfigError(name, raw, 'a lower-case SQL identifier (letters, digits, underscore; at most 63)');
  }
  return raw;
}

function origins(env: Env, name: string): string[] {
  const raw = read(env, name);
  if (raw === undefined) return [];
  const list = raw.split(',').map((o) => o.trim());
  const valid = list.every((o) => {
    try {
      const parsed = new URL(o);
      return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === o;
    } catch {
      return false;
    }
  });
  if (!valid) throw new ConfigError(name, raw, 'a comma-separated list of origins like https://ops.example.com');
  return list;
}

function security(env: Env): SecurityConfig {
  return {
    rateLimitMax: integer(env, 'BSS_RATE_LIMIT_MAX', 5000, 0, 1_000_000_000),
    rateLimitWindowMs: integer(env, 'BSS_RATE_LIMIT_WINDOW_MS', 1000, 100, 3_600_000),
    authFailureMax: integer(env, 'BSS_AUTH_FAILURE_MAX', 20, 0, 1_000_000),
    authFailureWindowMs: integer(env, 'BSS_AUTH_FAILURE_WINDOW_MS', 60_000, 1000, 86_400_000),
    corsOrigins: origins(env, 'BSS_CORS_ORIGINS'),
    bodyLimitBytes: integer(env, 'BSS_BODY_LIMIT_BYTES', 8 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    maxHeaderBytes: integer(env, 'BSS_MAX_HEADER_BYTES', 16 * 1024, 1024, 1024 * 1024),
    maxParamLength: integer(env, 'BSS_MAX_PARAM_LENGTH', 1000, 100, 100_000),
    maxJsonDepth: integer(env, 'BSS_MAX_JSON_DEPTH', 64, 8, 10_000),
  };
}

export const defaultSecurity = (): SecurityConfig => security({});

function secret(env: Env, name: string, minLength: number): string | undefined {
  const raw = read(env, name);
  if (raw !== undefined && (raw.length < minLength || /\s/.test(raw))) {
    throw new ConfigError(name, raw, `at least ${minLength} characters without spaces`);
  }
  return raw;
}

/** The PEM text (literal \n for line breaks, as single-line env values need) or the path of a PEM file. */
function publicKey(env: Env, name: string): { pem: string; source: string } | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  const accepted = 'PEM public key text (-----BEGIN PUBLIC KEY-----) or the path of a readable PEM file';
  let pem: string;
  let source: string;
  if (raw.startsWith('-----BEGIN')) {
    pem = raw.replaceAll('\\n', '\n');
    source = 'inline';
  } else {
    try {
      pem = readFileSync(raw, 'utf8');
    } catch {
      throw new ConfigError(name, raw, accepted);
    }
    source = raw;
  }
  if (/PRIVATE KEY/.test(pem)) throw new ConfigError(name, raw, 'the public key only (never the private key)');
  try {
    createPublicKey(pem);
  } catch {
    throw new ConfigError(name, raw, accepted);
  }
  return { pem, source };
}

function jwt(env: Env): JwtConfig | undefined {
  const jwksUrl = url(env, 'BSS_JWT_JWKS_URL', ['https:', 'http:']);
  const key = publicKey(env, 'BSS_JWT_PUBLIC_KEY');
  if (jwksUrl && key) {
    throw new ConfigError('BSS_JWT_PUBLIC_KEY', key.source, 'to be unset when BSS_JWT_JWKS_URL is set (choose one)');
  }
  const issuer = read(env, 'BSS_JWT_ISSUER');
  const audience = read(env, 'BSS_JWT_AUDIENCE');
  const roleClaim = read(env, 'BSS_JWT_ROLE_CLAIM') ?? 'roles';
  if (!/^\S{1,200}$/.test(roleClaim)) throw new ConfigError('BSS_JWT_ROLE_CLAIM', roleClaim, 'a claim name');
  if (!jwksUrl && !key) {
    // Issuer or audience without a key would silently accept no token at all: say so instead.
    for (const [name, value] of [
      ['BSS_JWT_ISSUER', issuer],
      ['BSS_JWT_AUDIENCE', audience],
    ] as const) {
      if (value !== undefined)
        throw new ConfigError(name, value, 'BSS_JWT_JWKS_URL or BSS_JWT_PUBLIC_KEY to be set too');
    }
    return undefined;
  }
  return {
    jwksUrl,
    publicKeyPem: key?.pem,
    publicKeySource: key?.source,
    issuer,
    audience: audience?.split(',').map((a) => a.trim()),
    roleClaim,
  };
}

/** Variables an earlier version read: set, they would be ignored without a word, so they are refused. */
const RETIRED: Readonly<Record<string, string>> = {
  BSS_SHED_LATENCY_MS: 'to be unset: the absolute latency target was replaced by BSS_SHED_LIMIT=adaptive|off',
};

export function loadConfig(env: Env = process.env): Config {
  for (const [variable, instead] of Object.entries(RETIRED)) {
    const value = read(env, variable);
    if (value !== undefined) throw new ConfigError(variable, value, instead);
  }
  const databaseUrl = url(env, 'BSS_DATABASE_URL', ['postgres:', 'postgresql:']);
  const kafkaBrokers = brokers(env, 'BSS_KAFKA_BROKERS');
  if (kafkaBrokers && !databaseUrl) {
    throw new ConfigError(
      'BSS_KAFKA_BROKERS',
      kafkaBrokers.join(','),
      'to be used together with BSS_DATABASE_URL (distributed mode needs PostgreSQL)',
    );
  }
  const databaseSchema = identifier(env, 'BSS_DATABASE_SCHEMA');
  const topics = topicPrefix(env, 'BSS_TOPIC_PREFIX');
  const clock = testClock(env, 'BSS_TEST_CLOCK');
  return {
    port: integer(env, 'BSS_PORT', 8080, 0, 65535),
    host: read(env, 'BSS_HOST') ?? '127.0.0.1',
    dataDir: read(env, 'BSS_DATA_DIR') ?? './data',
    databaseUrl,
    databaseSchema,
    kafkaBrokers,
    redisUrl: url(env, 'BSS_REDIS_URL', ['redis:', 'rediss:']),
    cachePrefix: cachePrefix(env, 'BSS_CACHE_PREFIX', databaseSchema, topics),
    adminApiKey: secret(env, 'BSS_ADMIN_API_KEY', 24),
    logLevel: oneOf(env, 'BSS_LOG_LEVEL', LOG_LEVELS, 'info'),
    eventPartitions: integer(env, 'BSS_EVENT_PARTITIONS', 12, 1, 1000),
    topicPrefix: topics,
    eventRetentionMs: retention(env, 'BSS_EVENT_RETENTION_MS'),
    mediation: mediation(env, kafkaBrokers !== undefined, topics),
    testClock: clock,
    shutdownTimeoutMs: integer(env, 'BSS_SHUTDOWN_TIMEOUT_MS', 8000, 100, 60000),
    mode: kafkaBrokers ? 'distributed' : databaseUrl ? 'single-server' : 'embedded',
    jwt: jwt(env),
    kafkaTuning: {
      lingerMs: integer(env, 'BSS_KAFKA_LINGER_MS', 5, 0, 1000),
      maxBatchBytes: integer(env, 'BSS_KAFKA_MAX_BATCH_BYTES', 768 * 1024, 1024, 1024 * 1024),
      compression:
        read(env, 'BSS_KAFKA_COMPRESSION') === undefined
          ? undefined
          : oneOf(env, 'BSS_KAFKA_COMPRESSION', KAFKA_COMPRESSIONS, 'zstd'),
      compressMinBytes: integer(env, 'BSS_KAFKA_COMPRESS_MIN_BYTES', 4096, 0, 1024 * 1024),
      outboxBatchSize: integer(env, 'BSS_OUTBOX_BATCH_SIZE', 10_000, 1, 100_000),
      outboxGatherMs: integer(env, 'BSS_OUTBOX_GATHER_MS', 20, 0, 1000),
    },
    writePath: {
      groupMaxCommands: integer(env, 'BSS_COMMIT_GROUP_MAX', 128, 1, 10_000),
      groupConcurrency: integer(env, 'BSS_COMMIT_GROUPS', 2, 1, 64),
      groupSpacingMs: integer(env, 'BSS_COMMIT_GROUP_SPACING_MS', 8, 0, 1000),
      maxPending: integer(env, 'BSS_SHED_PENDING', 1024, 1, 1_000_000),
      maxQueueDelayMs: integer(env, 'BSS_SHED_QUEUE_DELAY_MS', 200, 1, 600_000),
      shedIntervalMs: integer(env, 'BSS_SHED_INTERVAL_MS', 1000, 1, 600_000),
      shedLimit: oneOf(env, 'BSS_SHED_LIMIT', ['adaptive', 'off'] as const, 'adaptive'),
      maxOutboxBacklog: integer(env, 'BSS_SHED_OUTBOX_BACKLOG', 100_000, 0, 1_000_000_000),
      maxConsumerLag: integer(env, 'BSS_SHED_CONSUMER_LAG', 0, 0, 1_000_000_000),
    },
    pushgatewayUrl: loadPushgatewayUrl(env),
    workers: workers(env, { postgres: databaseUrl !== undefined, testClock: clock !== undefined }),
    security: security(env),
  };
}

/** PGlite is single-writer and a test clock lives in one process's memory: both refuse more than one. */
function workers(env: Env, { postgres, testClock }: { postgres: boolean; testClock: boolean }): number {
  const count = integer(env, 'BSS_WORKERS', 1, 1, 256);
  if (count > 1 && !postgres) {
    throw new ConfigError(
      'BSS_WORKERS',
      String(count),
      '1 in embedded mode (PGlite is single-writer: one process); set BSS_DATABASE_URL to run workers',
    );
  }
  if (count > 1 && read(env, 'BSS_PORT') === '0') {
    throw new ConfigError('BSS_WORKERS', String(count), '1 with BSS_PORT=0 (the workers must share one fixed port)');
  }
  if (count > 1 && testClock) {
    throw new ConfigError(
      'BSS_WORKERS',
      String(count),
      '1 while BSS_TEST_CLOCK is set (the clock lives in one process)',
    );
  }
  return count;
}

export interface ClientConfig {
  readonly url: string;
  readonly apiKey: string | undefined;
}

/** BSS_URL, else this machine's BSS_PORT; BSS_API_KEY, else BSS_ADMIN_API_KEY. Command flags win. */
export function loadClientConfig(env: Env = process.env): ClientConfig & { readonly urlSet: boolean } {
  const port = read(env, 'BSS_PORT');
  const local = `http://127.0.0.1:${port && port !== '0' ? port : '8080'}`;
  const urlSet = read(env, 'BSS_URL') !== undefined;
  return {
    url: urlSet ? (url(env, 'BSS_URL', ['http:', 'https:']) as string) : local,
    apiKey: secret(env, 'BSS_API_KEY', 24) ?? read(env, 'BSS_ADMIN_API_KEY'),
    urlSet,
  };
}

export function loadPushgatewayUrl(env: Env = process.env): string | undefined {
  return url(env, 'BSS_PUSHGATEWAY_URL', ['http:', 'https:']);
}

export function mask(variable: string, value: string): string {
  if (variable === 'BSS_ADMIN_API_KEY' || variable === 'BSS_API_KEY') return '********';
  // A public key is no secret, but a whole PEM block makes an unreadable message.
  if (variable === 'BSS_JWT_PUBLIC_KEY' && value.startsWith('-----BEGIN')) return '(PEM text)';
  if (!SECRET_VARIABLES.has(variable)) return value;
  try {
    const parsed = new URL(value);
    if (parsed.password) parsed.password = '****';
    return parsed.toString();
  } catch {
    return '********';
  }
}

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
    BSS_CACHE_PREFIX: config.cachePrefix,
    BSS_ADMIN_API_KEY: config.adminApiKey ? '******** (set)' : '(unset: generated on first start)',
    BSS_LOG_LEVEL: config.logLevel,
    BSS_EVENT_PARTITIONS: String(config.eventPartitions),
    BSS_TOPIC_PREFIX: config.topicPrefix === '' ? '(unset: none)' : config.topicPrefix,
    BSS_EVENT_RETENTION_MS: config.eventRetentionMs === -1 ? '-1 (keep forever)' : String(config.eventRetentionMs),
    BSS_MEDIATION_CONSUMER: config.mediation.enabled
      ? 'on'
      : config.kafkaBrokers
        ? 'off'
        : 'off (no Kafka: usage only over POST /usage)',
    BSS_MEDIATION_TOPIC: `${config.mediation.topic} (dead letters: ${config.mediation.topic}.dlq)`,
    BSS_MEDIATION_GROUP: config.mediation.group,
    BSS_TEST_CLOCK: config.testClock ?? '(unset: system clock)',
    BSS_SHUTDOWN_TIMEOUT_MS: String(config.shutdownTimeoutMs),
    BSS_WORKERS: config.workers === 1 ? '1 (one process)' : String(config.workers),
    BSS_KAFKA_LINGER_MS: String(config.kafkaTuning.lingerMs),
    BSS_KAFKA_MAX_BATCH_BYTES: String(config.kafkaTuning.maxBatchBytes),
    BSS_KAFKA_COMPRESSION: config.kafkaTuning.compression ?? '(unset: zstd, or lz4 without zstd)',
    BSS_KAFKA_COMPRESS_MIN_BYTES: String(config.kafkaTuning.compressMinBytes),
    BSS_OUTBOX_BATCH_SIZE: String(config.kafkaTuning.outboxBatchSize),
    BSS_OUTBOX_GATHER_MS: String(config.kafkaTuning.outboxGatherMs),
    BSS_COMMIT_GROUP_MAX: String(config.writePath.groupMaxCommands),
    BSS_COMMIT_GROUPS: String(config.writePath.groupConcurrency),
    BSS_COMMIT_GROUP_SPACING_MS: String(config.writePath.groupSpacingMs),
    BSS_SHED_PENDING: String(config.writePath.maxPending),
    BSS_SHED_QUEUE_DELAY_MS: String(config.writePath.maxQueueDelayMs),
    BSS_SHED_INTERVAL_MS: String(config.writePath.shedIntervalMs),
    BSS_SHED_LIMIT: config.writePath.shedLimit,
    BSS_SHED_OUTBOX_BACKLOG:
      config.writePath.maxOutboxBacklog === 0 ? '0 (no limit)' : String(config.writePath.maxOutboxBacklog),
    BSS_SHED_CONSUMER_LAG:
      config.writePath.maxConsumerLag === 0 ? '0 (no limit)' : String(config.writePath.maxConsumerLag),
    BSS_RATE_LIMIT_MAX: config.security.rateLimitMax === 0 ? '0 (no limit)' : String(config.security.rateLimitMax),
    BSS_RATE_LIMIT_WINDOW_MS: String(config.security.rateLimitWindowMs),
    BSS_AUTH_FAILURE_MAX:
      config.security.authFailureMax === 0 ? '0 (no limit)' : String(config.security.authFailureMax),
    BSS_AUTH_FAILURE_WINDOW_MS: String(config.security.authFailureWindowMs),
    BSS_CORS_ORIGINS: config.security.corsOrigins.join(',') || '(unset: no origin, CORS closed)',
    BSS_BODY_LIMIT_BYTES: String(config.security.bodyLimitBytes),
    BSS_MAX_HEADER_BYTES: String(config.security.maxHeaderBytes),
    BSS_MAX_PARAM_LENGTH: String(config.security.maxParamLength),
    BSS_MAX_JSON_DEPTH: String(config.security.maxJsonDepth),
    BSS_JWT_JWKS_URL: config.jwt?.jwksUrl ? mask('BSS_JWT_JWKS_URL', config.jwt.jwksUrl) : '(unset)',
    BSS_JWT_PUBLIC_KEY: config.jwt?.publicKeySource
      ? config.jwt.publicKeySource === 'inline'
        ? '(set: inline PEM)'
        : `(set: file ${config.jwt.publicKeySource})`
      : '(unset)',
    BSS_JWT_ISSUER: config.jwt?.issuer ?? '(unset: any issuer)',
    BSS_JWT_AUDIENCE: config.jwt?.audience?.join(',') ?? '(unset: any audience)',
    BSS_JWT_ROLE_CLAIM: config.jwt ? config.jwt.roleClaim : '(bearer tokens off: no JWKS URL or public key)',
    BSS_PUSHGATEWAY_URL: config.pushgatewayUrl
      ? mask('BSS_PUSHGATEWAY_URL', config.pushgatewayUrl)
      : '(unset: one-shot commands push nothing)',
  };
}
