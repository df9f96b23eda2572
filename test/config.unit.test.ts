import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, describeConfig, loadConfig } from '../src/config.ts';

test('defaults give the embedded mode on port 8080 with ./data', () => {
  const config = loadConfig({});
  assert.equal(config.mode, 'embedded');
  assert.equal(config.port, 8080);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.dataDir, './data');
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.logLevel, 'info');
});

test('the deployment mode follows the configured services', () => {
  assert.equal(loadConfig({ BSS_DATABASE_URL: 'postgres://bss@127.0.0.1:5432/bss' }).mode, 'single-server');
  const distributed = loadConfig({ BSS_DATABASE_URL: 'postgres://bss@db/bss', BSS_KAFKA_BROKERS: 'k1:9092, k2:9092' });
  assert.equal(distributed.mode, 'distributed');
  assert.deepEqual(distributed.kafkaBrokers, ['k1:9092', 'k2:9092']);
});

const rejected: Array<[string, string, RegExp]> = [
  ['BSS_PORT', 'abc', /integer from 0 to 65535/],
  ['BSS_PORT', '70000', /integer from 0 to 65535/],
  ['BSS_DATABASE_URL', 'mysql://x/y', /postgres:\/\//],
  ['BSS_DATABASE_URL', 'not a url', /postgres:\/\//],
  ['BSS_REDIS_URL', 'http://x', /redis:\/\//],
  ['BSS_KAFKA_BROKERS', 'nohostport', /host:port/],
  ['BSS_LOG_LEVEL', 'loud', /one of fatal, error/],
  ['BSS_SHED_LIMIT', '100', /one of adaptive, off/],
  ['BSS_ADMIN_API_KEY', 'short', /at least 24 characters/],
  ['BSS_DATABASE_SCHEMA', 'Bad-Name', /SQL identifier/],
];
for (const [variable, value, accepted] of rejected) {
  test(`${variable}=${value} is rejected with a message naming the variable`, () => {
    assert.throws(
      () => loadConfig({ BSS_DATABASE_URL: 'postgres://bss@db/bss', [variable]: value }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.variable === variable &&
        error.message.includes(variable) &&
        accepted.test(error.message),
    );
  });
}

test('Kafka without PostgreSQL is refused: the outbox needs a database server', () => {
  assert.throws(() => loadConfig({ BSS_KAFKA_BROKERS: 'k:9092' }), /BSS_KAFKA_BROKERS.*BSS_DATABASE_URL/);
});

test('describeConfig masks secrets', () => {
  const rows = describeConfig(
    loadConfig({
      BSS_DATABASE_URL: 'postgres://bss:hunter2@db/bss',
      BSS_REDIS_URL: 'redis://:s3cret@cache:6379',
      BSS_ADMIN_API_KEY: 'a-very-long-admin-key-0123456789',
    }),
  );
  const printed = JSON.stringify(rows);
  assert.ok(!printed.includes('hunter2'));
  assert.ok(!printed.includes('s3cret'));
  assert.ok(!printed.includes('a-very-long-admin-key'));
  assert.match(rows['BSS_DATABASE_URL'] ?? '', /bss:\*\*\*\*@db/);
});

test('a rejected secret is not echoed in the error', () => {
  assert.throws(
    () => loadConfig({ BSS_ADMIN_API_KEY: 'has space in it but long enough' }),
    (error: Error) => !error.message.includes('has space in it'),
  );
});

test('BSS_PUSHGATEWAY_URL: an http(s) URL, printed with its password masked', () => {
  assert.equal(loadConfig({}).pushgatewayUrl, undefined);
  const config = loadConfig({ BSS_PUSHGATEWAY_URL: 'http://push:pw0rd@gateway:9091' });
  assert.equal(config.pushgatewayUrl, 'http://push:pw0rd@gateway:9091');
  assert.equal(describeConfig(config)['BSS_PUSHGATEWAY_URL'], 'http://push:****@gateway:9091/');
  assert.throws(() => loadConfig({ BSS_PUSHGATEWAY_URL: 'gateway:9091' }), /BSS_PUSHGATEWAY_URL/);
});

test('BSS_WORKERS: PostgreSQL modes only, one fixed port, no test clock', () => {
  const pg = { BSS_DATABASE_URL: 'postgres://bss@db/bss' };
  assert.equal(loadConfig(pg).workers, 1);
  assert.equal(loadConfig({ ...pg, BSS_WORKERS: '4' }).workers, 4);
  assert.equal(loadConfig({ BSS_WORKERS: '1' }).workers, 1);
  const refused: Array<[Record<string, string>, RegExp]> = [
    [{ BSS_WORKERS: '2' }, /embedded mode \(PGlite is single-writer/],
    [{ ...pg, BSS_WORKERS: '2', BSS_PORT: '0' }, /one fixed port/],
    [{ ...pg, BSS_WORKERS: '2', BSS_TEST_CLOCK: 'now' }, /BSS_TEST_CLOCK/],
    [{ ...pg, BSS_WORKERS: '0' }, /from 1 to 256/],
  ];
  for (const [env, message] of refused) {
    assert.throws(
      () => loadConfig(env),
      (error: Error) => error instanceof ConfigError && error.variable === 'BSS_WORKERS' && message.test(error.message),
    );
  }
});

test('security settings: defaults, overrides and refusals', () => {
  const defaults = loadConfig({}).security;
  assert.deepEqual(defaults, {
    rateLimitMax: 5000,
    rateLimitWindowMs: 1000,
    authFailureMax: 20,
    authFailureWindowMs: 60_000,
    corsOrigins: [],
    bodyLimitBytes: 8 * 1024 * 1024,
    maxHeaderBytes: 16 * 1024,
    maxParamLength: 1000,
    maxJsonDepth: 64,
  });
  const set = loadConfig({
    BSS_RATE_LIMIT_MAX: '0',
    BSS_CORS_ORIGINS: 'https://ops.example.com, http://localhost:5173',
    BSS_MAX_JSON_DEPTH: '16',
    BSS_AUTH_FAILURE_MAX: '0',
  }).security;
  assert.equal(set.rateLimitMax, 0);
  assert.equal(set.authFailureMax, 0);
  assert.deepEqual(set.corsOrigins, ['https://ops.example.com', 'http://localhost:5173']);
  assert.equal(set.maxJsonDepth, 16);
  for (const [name, value] of [
    ['BSS_CORS_ORIGINS', 'https://ops.example.com/path'],
    ['BSS_CORS_ORIGINS', '*'],
    ['BSS_CORS_ORIGINS', 'ftp://files.example.com'],
    ['BSS_RATE_LIMIT_MAX', '-1'],
    ['BSS_RATE_LIMIT_WINDOW_MS', '10'],
    ['BSS_BODY_LIMIT_BYTES', '1'],
    ['BSS_MAX_JSON_DEPTH', '2'],
  ] as const) {
    assert.throws(
      () => loadConfig({ [name]: value }),
      (error: Error) => error instanceof ConfigError && error.variable === name,
    );
  }
  assert.equal(describeConfig(loadConfig({}))['BSS_CORS_ORIGINS'], '(unset: no origin, CORS closed)');
});

test('a retired variable is refused, naming what replaced it, not silently ignored', () => {
  assert.throws(
    () => loadConfig({ BSS_SHED_LATENCY_MS: '250' }),
    (error: Error) =>
      error instanceof ConfigError &&
      error.variable === 'BSS_SHED_LATENCY_MS' &&
      error.message.includes('BSS_SHED_LIMIT=adaptive|off'),
  );
  assert.equal(loadConfig({ BSS_SHED_LIMIT: 'off' }).writePath.shedLimit, 'off');
});
