// The observability configuration as the real tools see it: promtool checks and unit-tests the rules
// and the effective Prometheus config written by scripts/services.sh, amtool checks the effective
// Alertmanager config and proves the receivers of every team × severity, a private Alertmanager
// proves the inhibitions and the alert-log webhook, and the running Prometheus (BSS_PROMETHEUS_URL)
// parses every dashboard query and has loaded every rule without evaluation errors.
// Every alert has a runbook and the labels/annotations the routing relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// `yaml` is installed with @fastify/swagger; it should become a direct devDependency
import { parse as parseYaml } from 'yaml';
import { requireEnv } from '../support/env.ts';
import { freePort } from '../support/private-stack.ts';
import { waitForValue } from '../support/wait.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const RULES_DIR = join(REPO, 'deploy/prometheus/rules');
const TESTS_DIR = join(REPO, 'deploy/prometheus/tests');
const RUNBOOKS_DIR = join(REPO, 'docs/runbooks');
const AM_TEMPLATE = join(REPO, 'deploy/alertmanager/alertmanager.yml');
const EFFECTIVE_PROMETHEUS = join(REPO, '.services/prometheus/prometheus.yml');
const EFFECTIVE_ALERTMANAGER = join(REPO, '.services/alertmanager/alertmanager.yml');
const DASHBOARD = join(REPO, 'deploy/grafana/dashboards/bss-overview.json');
const DATASOURCES = join(REPO, 'deploy/grafana/provisioning/datasources/bss-prometheus.yml');
const RUNBOOK_BASE = 'https://github.com/droid-bss/bss/blob/main/docs/runbooks/';

const TEAMS = ['database', 'cache', 'streaming', 'sre', 'business', 'payments'] as const;
const SEVERITIES = ['critical', 'warning'] as const;
const REQUIRED_GROUPS = [
  'bss-system-alerts',
  'postgresql-alerts',
  'redis-alerts',
  'kafka-alerts',
  'bss-business-alerts',
  'bss-capacity-alerts',
];
const REQUIRED_ALERTS = [
  'ServiceDown',
  'HighCPUUsage',
  'HighMemoryUsage',
  'PostgreSQLDown',
  'PostgreSQLSlowQueries',
  'PostgreSQLTooManyConnections',
  'RedisDown',
  'RedisHighMemoryUsage',
  'RedisLowHitRate',
  'KafkaBrokerDown',
  'KafkaConsumerLagHigh',
  'BSSLowEventThroughput',
  'BSSSLABreach',
  'BSSHighPaymentFailureRate',
  'BSSHighAPILatency',
  'BSSSlowOrderProcessing',
  'BSSApproachingCapacity',
  'BSSHighResourceTrend',
];

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: Array<{ name: string; rules: Rule[] }>;
}
interface AlertRule extends Rule {
  alert: string;
  group: string;
}

function ymlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yml'))
    .sort()
    .map((name) => join(dir, name));
}

function alertRules(): AlertRule[] {
  const out: AlertRule[] = [];
  for (const file of ymlFiles(RULES_DIR)) {
    const parsed = parseYaml(readFileSync(file, 'utf8')) as RuleFile;
    for (const group of parsed.groups) {
      for (const rule of group.rules) {
        if (rule.alert !== undefined) out.push({ ...rule, alert: rule.alert, group: group.name });
      }
    }
  }
  return out;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a tool; a missing binary rejects, a non-zero exit resolves with its code. */
function run(cmd: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: REPO, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(new Error(`${cmd} ${args.join(' ')} could not run: ${error.message}`, { cause: error }));
        return;
      }
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

function show(r: Run): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

function requireFile(path: string): string {
  assert.ok(existsSync(path), `${path} is missing: it is written by "bash scripts/services.sh up" (npm test runs it)`);
  return path;
}

// ------------------------------------------------------------------ promtool

test('promtool check rules: every rule file is valid', async () => {
  const files = ymlFiles(RULES_DIR);
  assert.ok(files.length >= 2, 'expected bss-recording.yml and bss-alerts.yml');
  const r = await run('promtool', ['check', 'rules', ...files]);
  assert.equal(r.code, 0, show(r));
  assert.equal((r.stdout.match(/SUCCESS: \d+ rules found/g) ?? []).length, files.length, show(r));
  assert.doesNotMatch(r.stdout + r.stderr, /FAILED/, show(r));
});

test('promtool test rules: every unit-test file passes', async () => {
  const files = ymlFiles(TESTS_DIR);
  assert.ok(files.length > 0, `no tests in ${TESTS_DIR}`);
  const r = await run('promtool', ['test', 'rules', ...files]);
  assert.equal(r.code, 0, show(r));
  assert.equal((r.stdout.match(/^\s*SUCCESS\s*$/gm) ?? []).length, files.length, show(r));
  assert.doesNotMatch(r.stdout + r.stderr, /FAILED/, show(r));
});

test('promtool unit tests: every alert has a case where it fires and one where it stays silent', () => {
  const firing = new Set<string>();
  const silent = new Set<string>();
  for (const file of ymlFiles(TESTS_DIR)) {
    const parsed = parseYaml(readFileSync(file, 'utf8')) as {
      tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }>;
    };
    for (const group of parsed.tests) {
      for (const c of group.alert_rule_test ?? []) {
        ((c.exp_alerts ?? []).length > 0 ? firing : silent).add(c.alertname);
      }
    }
  }
  const names = [...new Set(alertRules().map((rule) => rule.alert))];
  assert.deepEqual(
    names.filter((name) => !firing.has(name)),
    [],
    'alerts without a firing case',
  );
  assert.deepEqual(
    names.filter((name) => !silent.has(name)),
    [],
    'alerts without a silent case',
  );
});

test('promtool check config: the effective Prometheus config written by services.sh is valid', async () => {
  const config = requireFile(EFFECTIVE_PROMETHEUS);
  const text = readFileSync(config, 'utf8');
  assert.ok(text.includes(`${REPO.replace(/\/$/, '')}/deploy/prometheus/rules/*.yml`), 'rule_files of this checkout');
  const r = await run('promtool', ['check', 'config', config]);
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, new RegExp(`SUCCESS: ${ymlFiles(RULES_DIR).length} rule files found`), show(r));
  assert.match(r.stdout, /is valid prometheus config file syntax/, show(r));
});

// ------------------------------------------------------------------ alert rules: groups, labels, annotations, runbooks

test('alert rules: the required groups and alerts exist', () => {
  const rules = alertRules();
  const groups = new Set(rules.map((rule) => rule.group));
  for (const group of REQUIRED_GROUPS) assert.ok(groups.has(group), `group ${group} is missing`);
  const names = new Set(rules.map((rule) => rule.alert));
  for (const name of REQUIRED_ALERTS) assert.ok(names.has(name), `alert ${name} is missing`);
});

test('alert rules: every alert has severity, team, summary, description and a runbook_url to an existing runbook', () => {
  for (const rule of alertRules()) {
    const where = `${rule.group}/${rule.alert}`;
    const labels = rule.labels ?? {};
    const annotations = rule.annotations ?? {};
    assert.ok((SEVERITIES as readonly string[]).includes(labels['severity'] ?? ''), `${where}: severity`);
    assert.ok((TEAMS as readonly string[]).includes(labels['team'] ?? ''), `${where}: team`);
    assert.ok(labels['category'], `${where}: category`);
    assert.ok(annotations['summary']?.trim(), `${where}: summary`);
    assert.ok(annotations['description']?.trim(), `${where}: description`);
    assert.equal(annotations['runbook_url'], `${RUNBOOK_BASE}${rule.alert}.md`, `${where}: runbook_url`);
    const runbook = join(RUNBOOKS_DIR, `${rule.alert}.md`);
    assert.ok(existsSync(runbook), `${where}: ${runbook} is missing`);
    const text = readFileSync(runbook, 'utf8');
    assert.match(text, new RegExp(`^# ${rule.alert}$`, 'm'), `${runbook}: title`);
    for (const section of ['Meaning', 'Impact', 'Diagnosis', 'Mitigation']) {
      assert.match(text, new RegExp(`^## ${section}$`, 'm'), `${runbook}: section ${section}`);
    }
  }
});

test('alert rules: a warning and a critical variant of one alert share team and runbook', () => {
  const byName = new Map<string, AlertRule[]>();
  for (const rule of alertRules()) byName.set(rule.alert, [...(byName.get(rule.alert) ?? []), rule]);
  for (const [name, variants] of byName) {
    assert.equal(new Set(variants.map((v) => v.labels?.['team'])).size, 1, `${name}: one team`);
    assert.equal(new Set(variants.map((v) => v.annotations?.['runbook_url'])).size, 1, `${name}: one runbook`);
  }
});

test('the running Prometheus has loaded every rule of this checkout and evaluates them without errors', async () => {
  const base = requireEnv('BSS_PROMETHEUS_URL');
  const response = await fetch(`${base}/api/v1/rules`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200);
  const body = (await response.json()) as {
    data: {
      groups: Array<{ name: string; file: string; rules: Array<{ name: string; health: string; lastError?: string }> }>;
    };
  };
  const loaded = new Map<string, string>();
  for (const group of body.data.groups) {
    for (const rule of group.rules) {
      assert.notEqual(rule.health, 'err', `${group.name}/${rule.name}: ${rule.lastError ?? ''}`);
      loaded.set(rule.name, group.file);
    }
  }
  for (const rule of alertRules()) {
    assert.ok(
      loaded.has(rule.alert),
      `Prometheus at ${base} has not loaded ${rule.alert}: run "bash scripts/services.sh up"`,
    );
  }
  assert.ok(loaded.has('bss:events_by_type:rate1m') && loaded.has('bss:events_by_component:rate1m'));
});

// ------------------------------------------------------------------ Alertmanager: config and routes

test('amtool check-config: the effective Alertmanager config written by services.sh is valid', async () => {
  const config = requireFile(EFFECTIVE_ALERTMANAGER);
  const text = readFileSync(config, 'utf8');
  assert.doesNotMatch(text, /@[A-Z_]+@/, 'a template placeholder was not replaced');
  // the alert-log webhook (every alert) where tests listen, unless the environment points it elsewhere
  const webhook = process.env['BSS_ALERT_WEBHOOK_URL'] ?? 'http://127.0.0.1:59095/alerts';
  assert.ok(text.includes(`url: '${webhook}'`), `the alert-log webhook is not ${webhook}`);
  const r = await run('amtool', ['check-config', config]);
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /SUCCESS/, show(r));
  assert.match(r.stdout, /- 5 inhibit rules/, show(r));
  assert.match(r.stdout, /- 15 receivers/, show(r));
});

test('Alertmanager template: secrets only by reference (files), none inline', () => {
  const text = readFileSync(AM_TEMPLATE, 'utf8');
  assert.doesNotMatch(text, /^\s*(routing_key|service_key|api_url|auth_password|smtp_auth_password|slack_api_url):/m);
  assert.match(text, /routing_key_file:/);
  assert.match(text, /slack_api_url_file:/);
  assert.match(text, /smtp_auth_password_file:/);
});

async function routes(labels: Record<string, string>, expected: string[]): Promise<void> {
  const config = requireFile(EFFECTIVE_ALERTMANAGER);
  const args = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  const r = await run('amtool', [
    'config',
    'routes',
    'test',
    `--config.file=${config}`,
    `--verify.receivers=${expected.join(',')}`,
    ...args,
  ]);
  assert.equal(r.code, 0, `${args.join(' ')} should go to ${expected.join(',')}\n${show(r)}`);
  assert.equal(r.stdout.trim(), expected.join(','));
}

test('amtool config routes test: every team × severity reaches its receivers (and the alert log)', async (t) => {
  for (const team of TEAMS) {
    for (const severity of SEVERITIES) {
      const receiver = severity === 'critical' ? `${team}-critical` : `${team}-chat`;
      await t.test(`team=${team} severity=${severity} → ${receiver}`, () =>
        routes({ alertname: 'AnyAlert', team, severity, category: 'availability' }, ['alert-log', receiver]),
      );
    }
  }
  await t.test('SLA route', () =>
    routes({ alertname: 'BSSSLABreach', team: 'business', severity: 'critical', category: 'sla' }, [
      'alert-log',
      'sla-breach',
    ]),
  );
  await t.test('capacity route', () =>
    routes({ alertname: 'BSSApproachingCapacity', team: 'sre', severity: 'warning', category: 'capacity' }, [
      'alert-log',
      'capacity-planning',
    ]),
  );
  await t.test('no team → SRE chat', () =>
    routes({ alertname: 'Unowned', severity: 'critical' }, ['alert-log', 'sre-chat']),
  );
});

test('amtool config routes test: every alert rule reaches the receiver its labels call for', async () => {
  for (const rule of alertRules()) {
    const labels = { alertname: rule.alert, ...rule.labels } as Record<string, string>;
    const category = labels['category'];
    const receiver =
      category === 'sla'
        ? 'sla-breach'
        : category === 'capacity'
          ? 'capacity-planning'
          : `${labels['team']}-${labels['severity'] === 'critical' ? 'critical' : 'chat'}`;
    await routes(labels, ['alert-log', receiver]);
  }
});

// ------------------------------------------------------------------ Alertmanager: inhibitions and the webhook, on a private instance

interface AmAlert {
  labels: Record<string, string>;
  status: { state: string; inhibitedBy: string[] };
}

test('a private Alertmanager on the template: inhibitions, and every alert (team=cache too) reaches the alert-log webhook', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bss-am-'));
  const secrets = join(dir, 'secrets');
  const received: Array<{ receiver: string; alerts: Array<{ labels: Record<string, string> }> }> = [];
  const hook = createHttpServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/alerts') received.push(JSON.parse(body) as (typeof received)[number]);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  const hookPort = (hook.address() as AddressInfo).port;
  const sink = await freePort(); // nothing listens: PagerDuty, Slack and SMTP deliveries just fail
  const port = await freePort();
  const text = readFileSync(AM_TEMPLATE, 'utf8')
    .replaceAll('@REPO@', REPO.replace(/\/$/, ''))
    .replaceAll('@SECRETS_DIR@', secrets)
    .replaceAll('@ALERT_WEBHOOK_URL@', `http://127.0.0.1:${hookPort}/alerts`)
    .replaceAll('@PAGERDUTY_URL@', `http://127.0.0.1:${sink}/pagerduty`)
    .replaceAll('@SMTP_SMARTHOST@', `127.0.0.1:${sink}`);
  writeFileSync(join(dir, 'alertmanager.yml'), text);
  const child = spawn(
    'prometheus-alertmanager',
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  const am = `http://127.0.0.1:${port}`;
  try {
    await waitForValue('the private Alertmanager', async () => ((await fetch(`${am}/-/ready`)).ok ? true : undefined));
    const env = { env: 'inhibition-test' };
    const alert = (labels: Record<string, string>) => ({
      labels: { ...env, ...labels },
      annotations: { summary: labels['alertname'] ?? '' },
      startsAt: new Date().toISOString(),
    });
    const post = await fetch(`${am}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        // ServiceDown silences the resource alerts of its instance only
        alert({ alertname: 'ServiceDown', severity: 'critical', team: 'sre', instance: 'n1:9100', job: 'node' }),
        alert({ alertname: 'HighCPUUsage', severity: 'warning', team: 'sre', instance: 'n1:9100' }),
        alert({ alertname: 'HighCPUUsage', severity: 'warning', team: 'sre', instance: 'n2:9100' }),
        // KafkaBrokerDown silences the throughput alerts
        alert({ alertname: 'KafkaBrokerDown', severity: 'critical', team: 'streaming', instance: '127.0.0.1:59404' }),
        alert({ alertname: 'BSSLowEventThroughput', severity: 'warning', team: 'sre', category: 'throughput' }),
        alert({ alertname: 'BSSSLABreach', severity: 'critical', team: 'business', category: 'sla' }),
        // a critical silences the same alert's warning on the same object, not on another one
        alert({ alertname: 'PostgreSQLSlowQueries', severity: 'critical', team: 'database', datname: 'bss' }),
        alert({ alertname: 'PostgreSQLSlowQueries', severity: 'warning', team: 'database', datname: 'bss' }),
        alert({ alertname: 'PostgreSQLSlowQueries', severity: 'warning', team: 'database', datname: 'billing' }),
        // the cache team's alert for the webhook
        alert({ alertname: 'RedisHighMemoryUsage', severity: 'warning', team: 'cache', instance: '127.0.0.1:59121' }),
      ]),
    });
    assert.equal(post.status, 200, await post.text());

    const alerts = await waitForValue('10 alerts in the private Alertmanager', async () => {
      const list = (await (await fetch(`${am}/api/v2/alerts`)).json()) as AmAlert[];
      return list.length === 10 ? list : undefined;
    });
    const state = (labels: Record<string, string>): string => {
      const found = alerts.find((a) => Object.entries(labels).every(([k, v]) => a.labels[k] === v));
      assert.ok(found, `no alert ${JSON.stringify(labels)}`);
      return found.status.inhibitedBy.length > 0 ? 'inhibited' : found.status.state;
    };
    assert.equal(state({ alertname: 'HighCPUUsage', instance: 'n1:9100' }), 'inhibited');
    assert.equal(state({ alertname: 'HighCPUUsage', instance: 'n2:9100' }), 'active');
    assert.equal(state({ alertname: 'BSSLowEventThroughput' }), 'inhibited');
    assert.equal(state({ alertname: 'BSSSLABreach' }), 'inhibited');
    assert.equal(state({ alertname: 'PostgreSQLSlowQueries', severity: 'warning', datname: 'bss' }), 'inhibited');
    assert.equal(state({ alertname: 'PostgreSQLSlowQueries', severity: 'warning', datname: 'billing' }), 'active');
    assert.equal(state({ alertname: 'PostgreSQLSlowQueries', severity: 'critical' }), 'active');
    assert.equal(state({ alertname: 'ServiceDown' }), 'active');
    assert.equal(state({ alertname: 'KafkaBrokerDown' }), 'active');
    assert.equal(state({ alertname: 'RedisHighMemoryUsage' }), 'active');

    const cache = await waitForValue('the team=cache alert at the alert-log webhook', async () =>
      received.find((n) => n.receiver === 'alert-log' && n.alerts.some((a) => a.labels['team'] === 'cache')),
    );
    assert.equal(cache.alerts[0]?.labels['alertname'], 'RedisHighMemoryUsage');
    // inhibited alerts are not notified
    await waitForValue('the SRE and database notifications', async () =>
      received.some((n) => n.alerts.some((a) => a.labels['alertname'] === 'ServiceDown')) &&
      received.some((n) => n.alerts.some((a) => a.labels['datname'] === 'billing'))
        ? true
        : undefined,
    );
    const notified = received.flatMap((n) =>
      n.alerts.map(
        (a) => `${a.labels['alertname']}/${a.labels['instance'] ?? a.labels['datname'] ?? ''}/${a.labels['severity']}`,
      ),
    );
    assert.ok(!notified.includes('HighCPUUsage/n1:9100/warning'), notified.join('\n'));
    assert.ok(!notified.some((n) => n.startsWith('BSSSLABreach/')), notified.join('\n'));
  } catch (error) {
    throw new Error(`${String(error)}\n--- private Alertmanager log\n${log}`, { cause: error });
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await new Promise((r) => hook.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
});

// ------------------------------------------------------------------ Grafana

interface Panel {
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: Array<{ expr?: string; datasource?: { uid?: string } }>;
  panels?: Panel[];
}

function panels(): Panel[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] };
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
}

test('Grafana dashboard: 5 s refresh, last 15 minutes, the provisioned datasource, the required panels', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    refresh: string;
    time: { from: string; to: string };
  };
  assert.equal(dashboard.refresh, '5s');
  assert.deepEqual(dashboard.time, { from: 'now-15m', to: 'now' });
  const datasources = parseYaml(readFileSync(DATASOURCES, 'utf8')) as {
    datasources: Array<{ uid: string; type: string }>;
  };
  const uid = datasources.datasources.find((d) => d.type === 'prometheus')?.uid;
  assert.ok(uid, 'a provisioned Prometheus datasource');
  const all = panels();
  for (const panel of all) {
    assert.ok((panel.targets ?? []).length > 0, `${panel.title}: no targets`);
    for (const target of panel.targets ?? []) {
      assert.ok(target.expr?.trim(), `${panel.title}: a target without expr`);
      assert.equal(target.datasource?.uid ?? panel.datasource?.uid, uid, `${panel.title}: datasource`);
    }
  }
  const exprs = all.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? '')).join('\n');
  for (const needle of [
    'bss:events:rate1m',
    '6667',
    'bss:events:increase1m',
    'bss:events_by_component:rate1m',
    'bss:events_by_type:rate1m',
    'bss_errors_total',
    'bss:http_request_duration_seconds:p50_5m',
    'bss:http_request_duration_seconds:p95_5m',
    'bss:http_request_duration_seconds:p99_5m',
    'BSSSLABreach',
    'bss:consumer_lag:sum_by_group',
    'bss:outbox_backlog:max',
    'bss:cache_hit_ratio_by_level:rate5m',
    'bss:order_processing_duration_seconds:p95_5m',
    'bss:payment_failure_ratio:rate5m',
  ]) {
    assert.ok(exprs.includes(needle), `no panel queries ${needle}`);
  }
});

test('Grafana dashboard: every panel query parses in the running Prometheus', async () => {
  const base = requireEnv('BSS_PROMETHEUS_URL');
  for (const panel of panels()) {
    for (const target of panel.targets ?? []) {
      const expr = target.expr ?? '';
      const response = await fetch(`${base}/api/v1/query?${new URLSearchParams({ query: expr })}`, {
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await response.json()) as { status: string; error?: string };
      assert.equal(body.status, 'success', `${panel.title}: ${expr}: ${body.error ?? ''}`);
    }
  }
});

test('the running Alertmanager is up with the effective config (BSS_ALERTMANAGER_URL)', async () => {
  const base = requireEnv('BSS_ALERTMANAGER_URL');
  const response = await fetch(`${base}/api/v2/status`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200);
  const status = (await response.json()) as { config: { original: string } };
  for (const receiver of ['alert-log', 'sla-breach', 'capacity-planning', ...TEAMS.map((t) => `${t}-critical`)]) {
    assert.match(status.config.original, new RegExp(`name: ${receiver}\\b`), `receiver ${receiver} not loaded`);
  }
});
