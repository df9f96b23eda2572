// The observability stack proven end to end on real engines: a BSS instance (PostgreSQL schema, Kafka
// through the outbox, Redis cache) under HTTP load, scraped through the `bss` job's file_sd by a
// Prometheus running deploy/prometheus (rules and jobs, 1 s intervals) that alerts a private
// Alertmanager running deploy/alertmanager. Every dashboard query and every rule expression must
// evaluate AND return data; stopping Redis must page the cache team through the real routing tree, and
// starting it again must resolve the alert. Redis, its exporter, Prometheus and Alertmanager are
// private (free ports) so that nothing here disturbs the tests sharing the project's stack; the
// project's PostgreSQL, node and Kafka JMX exporters are only scraped.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireEnv, uniqueName } from '../support/env.ts';
import { deleteTopicsWithPrefix } from '../support/kafka-topics.ts';
import { waitForValue } from '../support/wait.ts';
import { startService, type ServiceProcess } from '../support/service-process.ts';
import { httpClient, periodTwoMonthsAgo, runLoad, type LoadReport, type Send } from '../support/http-load.ts';
import { dashboardExpressions, ruleExpressions, samples } from '../support/prometheus-queries.ts';
import {
  Children,
  freePort,
  startAlertmanager,
  startPrometheus,
  startPushgateway,
  listening,
  startRedis,
  startRedisExporter,
  writeTargets,
  type Child,
} from '../support/private-stack.ts';
import { createPostgresDb } from '../../src/store/postgres-db.ts';
import { pushJobResult } from '../../src/observability/pushgateway.ts';

const ADMIN_KEY = 'stack-proof-admin-key-0123456789abcdef';
const ENV = 'stack-proof';
const LOAD_MS = 20_000;

/**
 * Series of the issue's list whose healthy value is 0, so only their presence is asserted: a consumer
 * that keeps up has no lag, a relay that keeps up has no backlog. Everything else must be > 0.
 */
const ZERO_IS_HEALTHY: Record<string, string> = {
  bss_consumer_lag: 'the cache consumer of this instance keeps up with the load, lag 0 is correct',
  bss_outbox_backlog: 'the outbox relay keeps up with the load, backlog 0 is correct',
};

/** The issue's metrics; histograms are checked on their _count. */
const ISSUE_METRICS = [
  'bss_events_total',
  'bss_orders_total',
  'bss_payments_total',
  'bss_invoices_total',
  'bss_customers_total',
  'bss_customers',
  'bss_errors_total',
  'bss_event_processing_duration_seconds_count',
  'bss_order_processing_duration_seconds_count',
  'bss_event_size_bytes_count',
  'bss_current_event_rate',
  'http_server_request_duration_seconds_count',
  'bss_consumer_lag',
  'bss_outbox_backlog',
];

interface Notification {
  path: string;
  body: {
    receiver?: string;
    status?: string;
    channel?: string;
    alerts?: Array<{ status: string; labels: Record<string, string> }>;
  };
}

const children = new Children();
const received: Notification[] = [];
const dir = mkdtempSync(join(tmpdir(), 'bss-stack-proof-'));
const schema = uniqueName('stackproof');
const prefix = `${schema.replaceAll('_', '-')}.`;
let hook: Server;
let bss: ServiceProcess;
/** A second instance of the same deployment: each instance's consumers see the other's events. */
let bss2: ServiceProcess;
let redis: Child;
let redisPort = 0;
let prom = '';
let am = '';
let report: LoadReport;

async function ready(url: string): Promise<true | undefined> {
  return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok ? true : undefined;
}

interface QueryResult {
  status: string;
  error?: string;
  data?: { resultType: string; result: unknown[] | [number, string] };
}

async function query(expr: string): Promise<QueryResult> {
  const response = await fetch(`${prom}/api/v1/query?${new URLSearchParams({ query: expr })}`, {
    signal: AbortSignal.timeout(10_000),
  });
  return (await response.json()) as QueryResult;
}

/** The expression over the last ten minutes: series of a stopped target (Redis) are stale now but had data. */
async function queryRecent(expr: string): Promise<QueryResult> {
  const end = Date.now() / 1000;
  const params = new URLSearchParams({ query: expr, start: String(end - 600), end: String(end), step: '5' });
  const response = await fetch(`${prom}/api/v1/query_range?${params}`, { signal: AbortSignal.timeout(10_000) });
  return (await response.json()) as QueryResult;
}

function hookUrl(path: string): string {
  return `http://127.0.0.1:${(hook.address() as AddressInfo).port}${path}`;
}

function alertsIn(status: string): Array<{ receiver: string; labels: Record<string, string> }> {
  return received
    .filter((n) => n.path === '/alerts' && n.body.status === status)
    .flatMap((n) => (n.body.alerts ?? []).map((a) => ({ receiver: n.body.receiver ?? '', labels: a.labels })));
}

describe('observability stack proof: load → metrics → Prometheus → Alertmanager', { timeout: 300_000 }, () => {
  before(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        try {
          received.push({ path: req.url ?? '', body: JSON.parse(body) as Notification['body'] });
        } catch {
          received.push({ path: req.url ?? '', body: {} });
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const [promPort, amPort, exporterPort, smtpPort, gatewayPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    startPushgateway(children, gatewayPort);
    redisPort = await freePort();
    redis = startRedis(children, redisPort);
    startRedisExporter(children, redisPort, exporterPort);
    am = `http://127.0.0.1:${amPort}`;
    startAlertmanager(children, dir, amPort, {
      webhook: hookUrl('/alerts'),
      slack: hookUrl('/slack'),
      pagerduty: hookUrl('/pagerduty'),
      smtp: `127.0.0.1:${smtpPort}`, // nothing listens: e-mail deliveries fail, which is fine here
    });
    const bssTargets = join(dir, 'bss-targets.json');
    writeTargets(bssTargets, []);
    prom = `http://127.0.0.1:${promPort}`;
    startPrometheus(children, dir, {
      port: promPort,
      alertmanager: `127.0.0.1:${amPort}`,
      redisExporter: `127.0.0.1:${exporterPort}`,
      pushgateway: `127.0.0.1:${gatewayPort}`,
      bssTargetsFile: bssTargets,
      intervalSeconds: 1,
      env: ENV,
    });
    // a one-shot job's result on the Pushgateway, so that the rules on pushed series have data too
    await listening(gatewayPort, 20_000);
    const gateway = `http://127.0.0.1:${gatewayPort}`;
    assert.equal(
      await pushJobResult(gateway, { job: 'bss_billing_run', success: true, durationSeconds: 1 }),
      undefined,
    );
    const { from } = periodTwoMonthsAgo();
    const bssEnv = {
      BSS_DATABASE_URL: requireEnv('BSS_DATABASE_URL'),
      BSS_DATABASE_SCHEMA: schema,
      BSS_KAFKA_BROKERS: requireEnv('BSS_KAFKA_BROKERS'),
      BSS_TOPIC_PREFIX: prefix,
      BSS_EVENT_PARTITIONS: '3',
      BSS_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      BSS_ADMIN_API_KEY: ADMIN_KEY,
      BSS_TEST_CLOCK: new Date(from.getTime() + 10 * 86_400_000).toISOString(),
    };
    // Two instances, as deployed: an instance's cache consumer skips the events it committed itself (its
    // write path invalidated them), so the event-driven paths (consumer metrics, L1 invalidations that
    // send reads to Redis) show on the events of the other instance.
    bss = await startService(bssEnv);
    bss2 = await startService(bssEnv);
    // the service discovery step an operator (or scripts/services.sh scrape) does for the project Prometheus
    writeTargets(bssTargets, [new URL(bss.url).host, new URL(bss2.url).host], { service: 'bss' });
    await waitForValue(
      'the private Prometheus and Alertmanager',
      async () => ((await ready(`${prom}/-/ready`)) && (await ready(`${am}/-/ready`)) ? true : undefined),
      60_000,
    );
    await waitForValue(
      'Prometheus to scrape both BSS instances (file_sd)',
      async () => {
        const r = await query('up{job="bss"} == 1');
        return (r.data?.result as unknown[]).length === 2 ? true : undefined;
      },
      30_000,
    );
  });

  after(async () => {
    await bss?.stop().catch(() => undefined);
    await bss2?.stop().catch(() => undefined);
    await children.stopAll();
    await new Promise((resolve) => hook?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
    const db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL') });
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => db.close());
    await deleteTopicsWithPrefix(requireEnv('BSS_KAFKA_BROKERS'), prefix);
  });

  test(`HTTP load for ${LOAD_MS / 1000} s, then /metrics has every metric of the issue with samples`, async () => {
    // Writes of a journey go to one instance (each instance runs its own test clock); its reads go
    // round robin over both, as behind a load balancer: an entity written through one instance is read
    // through the other (L1 miss, Redis hit). Journeys on both instances let each one's event consumer
    // handle the other's events.
    const [first, second] = [httpClient(bss.url, ADMIN_KEY), httpClient(bss2.url, ADMIN_KEY)];
    let reads = 0;
    const readsRoundRobin: Send = (method, path, body) =>
      (method === 'GET' && reads++ % 2 === 1 ? second : first)(method, path, body);
    [report] = await Promise.all([
      runLoad(readsRoundRobin, periodTwoMonthsAgo(), 3, LOAD_MS),
      runLoad(second, periodTwoMonthsAgo(), 1, LOAD_MS),
    ]);
    const text = await (await fetch(`${bss.url}/metrics`)).text();
    assert.ok(report.journeys > 0 && report.failedPayments > 0 && report.invoices > 0, JSON.stringify(report));
    for (const name of ISSUE_METRICS) {
      const found = samples(text, name);
      assert.ok(found.length > 0, `${name}: no samples in /metrics`);
      if (!ZERO_IS_HEALTHY[name])
        assert.ok(
          found.some((s) => s.value > 0),
          `${name}: every sample is 0`,
        );
    }
    const processed = samples(text, 'bss_event_processing_duration_seconds_count').map((s) => s.labels);
    for (const component of ['api', 'event'])
      assert.ok(
        processed.some((l) => l.includes(`component="${component}"`)),
        `no event processing under ${component}`,
      );
    assert.ok(
      samples(text, 'bss_payments_total').some((s) => s.labels.includes('status="FAILED"') && s.value > 0),
      'the failed payments',
    );
  });

  test('stop Redis: RedisDown pages the cache team through Alertmanager; every query and rule has data', async (t) => {
    // The 5xx series of the dashboard get their samples from a table briefly renamed away (500s), and
    // before Redis stops: its series go stale once it is gone, so their queries must not wait for this.
    const db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL') });
    try {
      await db.query(`ALTER TABLE ${schema}.customers RENAME TO customers_away`);
      const answers = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const response = await fetch(`${bss.url}/api/v1/customers?limit=1`, { headers: { 'x-api-key': ADMIN_KEY } });
          await response.arrayBuffer();
          return response.status;
        }),
      );
      assert.ok(
        answers.some((status) => status >= 500),
        answers.join(),
      );
    } finally {
      await db.query(`ALTER TABLE ${schema}.customers_away RENAME TO customers`).finally(() => db.close());
    }

    await redis.stop();
    // Readiness stays 200 while Redis is away (degraded, naming it): the instance still serves.
    await waitForValue(
      'readiness to report Redis down',
      async () => {
        const response = await fetch(`${bss.url}/health/ready`);
        const body = (await response.json()) as { down: string[] };
        return response.status === 200 && body.down.includes('redis');
      },
      30_000,
    );
    await t.test('Redis failures count as bss_errors_total{component="redis"}', async () => {
      const text = await (await fetch(`${bss.url}/metrics`)).text();
      const redisErrors = samples(text, 'bss_errors_total').filter((s) => s.labels.includes('component="redis"'));
      assert.ok(
        redisErrors.some((s) => s.value > 0),
        samples(text, 'bss_errors_total')
          .map((s) => s.labels)
          .join('\n'),
      );
    });

    await t.test(
      'every dashboard query and rule expression evaluates and has data in the last ten minutes',
      async () => {
        const problems: string[] = [];
        await Promise.all(
          [...dashboardExpressions(), ...ruleExpressions()].map(async ({ name, expr }) => {
            try {
              await waitForValue(
                `${name}: data`,
                async () => {
                  const r = await queryRecent(expr);
                  if (r.status !== 'success') throw new Error(`${r.status}: ${r.error ?? ''}`);
                  return Array.isArray(r.data?.result) && r.data.result.length > 0 ? true : undefined;
                },
                45_000,
              );
            } catch (error) {
              problems.push(`${name}\n    ${expr}\n    ${String(error)}`);
            }
          }),
        );
        assert.deepEqual(problems, [], problems.join('\n'));
        const rules = (await (await fetch(`${prom}/api/v1/rules`)).json()) as {
          data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> };
        };
        const unhealthy = rules.data.groups.flatMap((g) => g.rules).filter((r) => r.health !== 'ok');
        assert.deepEqual(unhealthy, []);
      },
    );

    await t.test('RedisDown fires, routed to alert-log and to cache-critical (team="cache")', async () => {
      const firing = await waitForValue(
        'RedisDown at the alert-log webhook',
        async () => alertsIn('firing').find((a) => a.labels['alertname'] === 'RedisDown'),
        150_000,
      );
      assert.equal(firing.receiver, 'alert-log');
      assert.equal(firing.labels['team'], 'cache');
      assert.equal(firing.labels['severity'], 'critical');
      assert.equal(firing.labels['env'], ENV);
      assert.equal(firing.labels['job'], 'redis');
      const inAm = (await (
        await fetch(`${am}/api/v2/alerts?${new URLSearchParams({ filter: 'alertname="RedisDown"' })}`)
      ).json()) as Array<{ receivers: Array<{ name: string }> }>;
      assert.deepEqual(inAm[0]?.receivers.map((r) => r.name).sort(), ['alert-log', 'cache-critical']);
      const slack = await waitForValue(
        'the cache-critical Slack message',
        async () => received.find((n) => n.path.startsWith('/slack') && n.body.channel === '#bss-cache-alerts'),
        30_000,
      );
      assert.ok(slack);
    });

    await t.test('Redis back: the alert resolves at the webhook', async () => {
      redis = startRedis(children, redisPort);
      const resolved = await waitForValue(
        'RedisDown resolved at the alert-log webhook',
        async () => alertsIn('resolved').find((a) => a.labels['alertname'] === 'RedisDown'),
        90_000,
      );
      assert.equal(resolved.labels['team'], 'cache');
    });
  });
});
