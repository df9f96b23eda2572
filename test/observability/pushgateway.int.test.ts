// One-shot jobs' results through a real Pushgateway into a real Prometheus: `bss billing run` against an
// embedded service pushes job bss_billing_run, Prometheus scrapes it with the pushgateway job of
// deploy/prometheus/prometheus.yml (honor_labels keeps the pushed job), and BSSBillingRunOverdue from
// deploy/prometheus/rules evaluates on it (pending for a success two days old). Pushgateway and
// Prometheus are private (free ports), so nothing here touches the project's stack.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { Children, REPO, freePort, listening, startPushgateway } from '../support/private-stack.ts';
import { startService, type ServiceProcess } from '../support/service-process.ts';
import { runCli } from '../cli/run-cli.ts';
import { pushJobResult } from '../../src/observability/pushgateway.ts';

const ADMIN_KEY = 'pushgateway-test-admin-key-0123456789';
const children = new Children();
const dir = mkdtempSync(join(tmpdir(), 'bss-pushgateway-'));
let gateway = '';
let prometheus = '';
let service: ServiceProcess;

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Polls `find` until it returns something; fails naming `what` after `timeoutMs`. */
async function waitFor<T>(find: () => Promise<T | undefined>, o: { timeoutMs: number; what: string }): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${o.timeoutMs} ms waiting for ${o.what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function query(expr: string): Promise<Sample[]> {
  const url = `${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`;
  const body = (await (await fetch(url)).json()) as { status: string; data: { result: Sample[] } };
  assert.equal(body.status, 'success', `query ${expr} failed`);
  return body.data.result;
}

/** The repository's Prometheus config reduced to its pushgateway job (pointed here) and its rule files. */
function prometheusConfig(target: string): string {
  const config = parseYaml(readFileSync(join(REPO, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
    scrape_configs: Array<{ job_name: string; honor_labels?: boolean; static_configs: unknown }>;
  };
  const job = config.scrape_configs.find((j) => j.job_name === 'pushgateway');
  assert.ok(job, 'deploy/prometheus/prometheus.yml has no pushgateway job');
  assert.equal(job.honor_labels, true, 'the pushgateway job must keep the pushed labels (honor_labels: true)');
  return toYaml({
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: [join(REPO, 'deploy/prometheus/rules/*.yml')],
    scrape_configs: [{ ...job, static_configs: [{ targets: [target] }] }],
  });
}

before(async () => {
  const [gwPort, promPort] = [await freePort(), await freePort()];
  startPushgateway(children, gwPort);
  writeFileSync(join(dir, 'prometheus.yml'), prometheusConfig(`127.0.0.1:${gwPort}`));
  children.start('prometheus', 'prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
    '--log.level=warn',
  ]);
  await Promise.all([listening(gwPort, 20_000), listening(promPort, 30_000)]);
  gateway = `http://127.0.0.1:${gwPort}`;
  prometheus = `http://127.0.0.1:${promPort}`;
  service = await startService({ BSS_DATA_DIR: join(dir, 'bss-data'), BSS_ADMIN_API_KEY: ADMIN_KEY });
});

after(async () => {
  await service?.stop();
  await children.stopAll();
  rmSync(dir, { recursive: true, force: true });
});

test('bss billing run pushes its result; Prometheus scrapes it under the pushed job', async () => {
  const started = Date.now() / 1000;
  const run = await runCli(['billing', 'run', '--period', '2025-01', '--json', '--url', service.url], {
    BSS_API_KEY: ADMIN_KEY,
    BSS_PUSHGATEWAY_URL: gateway,
  });
  assert.equal(run.code, 0, `bss billing run failed:\n${run.stderr}`);
  const result = JSON.parse(run.stdout) as { period: { from: string; to: string }; invoices: number };
  assert.deepEqual(result.period, { from: '2025-01-01', to: '2025-02-01' });
  assert.equal(run.stderr.includes('Pushgateway'), false, `the push failed:\n${run.stderr}`);

  const pushed = await (await fetch(`${gateway}/metrics`)).text();
  assert.match(pushed, /bss_job_last_success_timestamp_seconds\{instance="",job="bss_billing_run"\}/);
  assert.match(pushed, /bss_billing_run_invoices\{instance="",job="bss_billing_run"\} 0/);

  const samples = await waitFor(
    async () => {
      const found = await query('bss_job_last_success_timestamp_seconds{job="bss_billing_run"}');
      return found.length > 0 ? found : undefined;
    },
    { timeoutMs: 20_000, what: 'the pushed success in Prometheus' },
  );
  // honor_labels: the pushed job, not the scrape job's name, and no instance of the gateway's address
  assert.equal(samples.length, 1);
  assert.equal(samples[0]?.metric['job'], 'bss_billing_run');
  assert.equal(samples[0]?.metric['instance'], undefined);
  assert.ok(Number(samples[0]?.value[1]) >= Math.floor(started), 'the success timestamp is this run');
  const success = await query('bss_job_last_run_success{job="bss_billing_run"}');
  assert.equal(success[0]?.value[1], '1');
});

test('a failed run keeps the last success; BSSBillingRunOverdue evaluates and goes pending', async () => {
  // A success two days ago, then a failure now: the failure must not erase the success's timestamp.
  const twoDaysAgo = new Date(Date.now() - 48 * 3600 * 1000);
  const job = 'bss_billing_run';
  assert.equal(
    await pushJobResult(gateway, { job, success: true, durationSeconds: 3, finishedAt: twoDaysAgo }),
    undefined,
  );
  assert.equal(await pushJobResult(gateway, { job, success: false, durationSeconds: 1 }), undefined);

  const pending = await waitFor(
    async () => {
      const body = (await (await fetch(`${prometheus}/api/v1/alerts`)).json()) as {
        data: { alerts: Array<{ labels: Record<string, string>; state: string; value: string }> };
      };
      return body.data.alerts.find((a) => a.labels['alertname'] === 'BSSBillingRunOverdue');
    },
    { timeoutMs: 30_000, what: 'BSSBillingRunOverdue in /api/v1/alerts' },
  );
  assert.equal(pending.state, 'pending', 'fires only after 10 minutes');
  assert.equal(pending.labels['team'], 'business');
  assert.ok(Number(pending.value) > 47 * 3600, `overdue by ${pending.value} s`);
  const failed = await query('bss_job_last_run_success{job="bss_billing_run"}');
  assert.equal(failed[0]?.value[1], '0');

  // every rule of the repository loaded and evaluated without error on this Prometheus
  const rules = (await (await fetch(`${prometheus}/api/v1/rules`)).json()) as {
    data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> };
  };
  const all = rules.data.groups.flatMap((g) => g.rules);
  assert.ok(all.some((r) => r.name === 'BSSBillingRunOverdue'));
  for (const rule of all) assert.notEqual(rule.health, 'err', `${rule.name}: ${rule.lastError}`);
});

test('an unreachable Pushgateway is reported, never a failure of the job', async () => {
  const port = await freePort();
  const error = await pushJobResult(`http://127.0.0.1:${port}`, { job: 'bss_load', success: true, durationSeconds: 1 });
  assert.match(error?.message ?? '', /cannot push to the Pushgateway http:\/\/127\.0\.0\.1:\d+/);
  assert.equal(await pushJobResult(undefined, { job: 'bss_load', success: true, durationSeconds: 1 }), undefined);
});
