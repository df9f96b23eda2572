// Proves that the engines behind the BSS_* URLs are the real ones started by
// scripts/services.sh: PostgreSQL 15, Redis 7, Apache Kafka 4 (KRaft), Prometheus,
// Alertmanager. Run after `eval "$(scripts/services.sh env)"`.
//
// A missing variable is a failure, never a skip: an integration run that silently
// tests nothing is worse than a red one.
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createClient } from 'redis';
import { Admin } from '@platformatic/kafka';

function requireEnv(name: string): string {
  const value = process.env[name];
  assert.ok(
    value !== undefined && value.trim() !== '',
    `${name} is not set: run \`eval "$(bash scripts/services.sh env)"\` after \`bash scripts/services.sh up\``,
  );
  return value.trim();
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  assert.equal(response.status, 200, `GET ${url} answered ${response.status}`);
  return response.json();
}

test('PostgreSQL answers SELECT version() as PostgreSQL 15', async () => {
  const url = requireEnv('BSS_DATABASE_URL');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const result = await client.query<{ version: string; db: string; usr: string }>(
      'SELECT version() AS version, current_database() AS db, current_user AS usr',
    );
    const row = result.rows[0];
    assert.ok(row, 'SELECT version() returned no row');
    assert.match(row.version, /^PostgreSQL 15\./, `unexpected server: ${row.version}`);
    assert.equal(row.db, new URL(url).pathname.slice(1));
    // a real server round trip with server-side state, not just a banner
    const sum = await client.query<{ n: string }>('SELECT sum(g)::text AS n FROM generate_series(1, 1000) AS g');
    assert.equal(sum.rows[0]?.n, '500500');
  } finally {
    await client.end();
  }
});

test('PostgreSQL runs with the tuned settings of deploy/postgres/postgresql.conf', async () => {
  const wanted = readFileSync(new URL('../../deploy/postgres/postgresql.conf', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => /^\s*(\w+)\s*=\s*(\S+)/.exec(line))
    .filter((match) => match !== null)
    .map(([, name, value]) => ({ name: name ?? '', value: value ?? '' }));
  assert.ok(wanted.length >= 5, 'deploy/postgres/postgresql.conf lists no settings');
  const client = new pg.Client({ connectionString: requireEnv('BSS_DATABASE_URL'), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    for (const { name, value } of wanted) {
      const { rows } = await client.query<{ setting: string; pending: boolean }>(
        `SELECT current_setting($1) AS setting, pending_restart AS pending FROM pg_settings WHERE name = $1`,
        [name],
      );
      const row = rows[0];
      assert.ok(row, `${name} is not a PostgreSQL setting`);
      assert.equal(
        row.setting,
        value,
        `${name} is ${row.setting}, deploy/postgres/postgresql.conf says ${value}` +
          (row.pending ? ' (changed, waiting for a server restart)' : ''),
      );
    }
  } finally {
    await client.end();
  }
});

test('Redis reports redis_version 7.x in INFO server', async () => {
  const url = requireEnv('BSS_REDIS_URL');
  const client = createClient({ url, socket: { connectTimeout: 5_000, reconnectStrategy: false } });
  client.on('error', () => {
    // surfaced through the rejected command/connect promise instead
  });
  await client.connect();
  try {
    const info = await client.info('server');
    const version = /^redis_version:(\S+)/m.exec(info)?.[1];
    assert.ok(version, `no redis_version in INFO server:\n${info}`);
    assert.match(version, /^7\./, `unexpected Redis version ${version}`);
    assert.equal(/^tcp_port:(\d+)/m.exec(info)?.[1], new URL(url).port, 'INFO tcp_port differs from the URL port');
    const key = `bss:test:engines:${process.pid}`;
    await client.set(key, 'ok', { expiration: { type: 'EX', value: 30 } });
    assert.equal(await client.get(key), 'ok');
    await client.del(key);
  } finally {
    await client.close();
  }
});

test('Kafka broker answers ApiVersions and metadata shows one broker (KRaft, Kafka 4)', async () => {
  const brokers = requireEnv('BSS_KAFKA_BROKERS')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  assert.ok(brokers.length > 0, 'BSS_KAFKA_BROKERS has no broker');
  const admin = new Admin({
    clientId: 'bss-engines-test',
    bootstrapBrokers: brokers,
    connectTimeout: 5_000,
    retries: 2,
  });
  try {
    const apis = await admin.listApis();
    const byKey = new Map(apis.map((api) => [api.apiKey, api]));
    // ApiVersions (18), Produce (0), Fetch (1), Metadata (3) are answered by any broker
    for (const key of [0, 1, 3, 18]) assert.ok(byKey.has(key), `ApiVersions lacks api key ${key}`);
    // ConsumerGroupHeartbeat (68, KIP-848) is served by Kafka 4 brokers
    assert.ok(byKey.has(68), 'ApiVersions lacks ConsumerGroupHeartbeat (68): not a Kafka 4 broker');
    // Kafka 4 removed Fetch v0-v3 (KIP-896); older brokers still advertise v0.
    // (Produce is no test: Kafka 4 keeps advertising Produce v0 for librdkafka's sake.)
    const fetchApi = byKey.get(1);
    assert.ok(fetchApi && fetchApi.minVersion >= 4, `Fetch minVersion ${fetchApi?.minVersion}: not a Kafka 4 broker`);

    const metadata = await admin.metadata({ topics: [] });
    assert.ok(metadata.id.length > 0, 'no cluster id in metadata');
    assert.equal(metadata.brokers.size, 1, `expected one broker, got ${metadata.brokers.size}`);
    const [nodeId, broker] = [...metadata.brokers.entries()][0] ?? [];
    assert.ok(broker, 'no broker in metadata');
    const [host, port] = (brokers[0] ?? '').split(':');
    assert.equal(broker.host, host);
    assert.equal(broker.port, Number(port));
    assert.equal(broker.port, 59092);
    // combined broker+controller node: the broker is its own controller
    assert.equal(metadata.controllerId, nodeId);
  } finally {
    await admin.close();
  }
});

test('Prometheus reports its build version', async () => {
  const base = requireEnv('BSS_PROMETHEUS_URL');
  const body = (await getJson(new URL('/api/v1/status/buildinfo', base).href)) as {
    status?: string;
    data?: { version?: string };
  };
  assert.equal(body.status, 'success');
  assert.match(body.data?.version ?? '', /^\d+\.\d+\.\d+/, `no version in ${JSON.stringify(body)}`);
  // it is the harness's Prometheus: its own job scrapes it
  const targets = (await getJson(new URL('/api/v1/targets?state=active', base).href)) as {
    data?: { activeTargets?: { labels?: Record<string, string> }[] };
  };
  const jobs = new Set((targets.data?.activeTargets ?? []).map((t) => t.labels?.['job']));
  for (const job of ['prometheus', 'postgres', 'redis', 'kafka', 'node', 'alertmanager', 'pushgateway']) {
    assert.ok(jobs.has(job), `Prometheus has no scrape job ${job} (jobs: ${[...jobs].join(', ')})`);
  }
});

test('Alertmanager reports versionInfo in /api/v2/status', async () => {
  const base = requireEnv('BSS_ALERTMANAGER_URL');
  const body = (await getJson(new URL('/api/v2/status', base).href)) as {
    versionInfo?: { version?: string };
    cluster?: { status?: string };
    config?: { original?: string };
  };
  assert.match(body.versionInfo?.version ?? '', /^\d+\.\d+\.\d+/, `no versionInfo in ${JSON.stringify(body)}`);
  assert.ok(
    body.config?.original?.includes('receiver: alert-log'),
    'Alertmanager is not running the config rendered from deploy/alertmanager/alertmanager.yml',
  );
});
