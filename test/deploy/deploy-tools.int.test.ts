// deploy/ checked by the real tools, without a container engine (scripts/deploy-tools.sh installs them
// into .tools/): helm lint and helm template of deploy/helm/bss piped to kubeconform -strict against
// the Kubernetes JSON schemas; the prometheus-operator kinds (ServiceMonitor, PrometheusRule), which
// kubeconform has no schema for here, against @kubernetes-models/prometheus-operator's validators
// (generated from the operator's CRDs); deploy/compose.yaml through compose-go (the loader of
// `docker compose`); the Dockerfile through hadolint.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const CHART = join(REPO, 'deploy/helm/bss');
const CI_VALUES = join(CHART, 'ci/values.yaml');
const CRD_KINDS = ['ServiceMonitor', 'PrometheusRule'];
let env: NodeJS.ProcessEnv = {};
let schemas = '';
let kubeVersion = '';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: readonly string[], input?: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { cwd: REPO, env: { ...env, ...extraEnv }, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`${cmd} could not run: ${error.message}`, { cause: error }));
          return;
        }
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

const show = (r: Run) => `exit ${r.code}\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-4000)}`;

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
}

async function template(...args: string[]): Promise<Manifest[]> {
  const r = await run('helm', ['template', 'bss', CHART, '--kube-version', kubeVersion, ...args]);
  assert.equal(r.code, 0, show(r));
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

async function kubeconform(manifests: string): Promise<Run> {
  const location = `${schemas}/{{ .ResourceKind }}{{ .KindSuffix }}.json`;
  return run(
    'kubeconform',
    ['-strict', '-summary', '-kubernetes-version', kubeVersion, '-schema-location', location],
    manifests,
  ).then((r) => r);
}

before(async () => {
  const install = await run('bash', ['scripts/deploy-tools.sh', 'install']);
  assert.equal(install.code, 0, show(install));
  const exported = (await run('bash', ['scripts/deploy-tools.sh', 'env'])).stdout;
  const value = (name: string) => new RegExp(`${name}="?([^"\\s]+)`).exec(exported)?.[1] ?? '';
  schemas = value('BSS_K8S_SCHEMAS');
  kubeVersion = value('BSS_K8S_VERSION');
  env = { ...process.env, PATH: `${join(REPO, '.tools/bin')}:${process.env['PATH'] ?? ''}` };
});

describe('Helm chart deploy/helm/bss', () => {
  test('helm lint --strict passes with the CI values', async () => {
    const r = await run('helm', ['lint', CHART, '--strict', '-f', CI_VALUES]);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  test('values.schema.json refuses a misspelled variable and a wrong type', async () => {
    const r = await run('helm', ['template', 'bss', CHART, '-f', CI_VALUES, '--set', 'config.BSS_PROT=1']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /at '\/config': additional properties 'BSS_PROT' not allowed/);
    const typed = await run('helm', ['template', 'bss', CHART, '-f', CI_VALUES, '--set', 'api.replicas=many']);
    assert.notEqual(typed.code, 0);
    assert.match(typed.stderr, /\/api\/replicas/);
  });

  test('without a database URL the chart refuses to render, naming the value', async () => {
    const r = await run('helm', ['template', 'bss', CHART]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /secrets\.BSS_DATABASE_URL \(or existingSecret\) is required/);
  });

  for (const [name, args] of [
    ['everything on (CI values)', ['-f', CI_VALUES]],
    [
      'no workers, no HPA, an existing Secret',
      ['-f', CI_VALUES, '--set', 'worker.enabled=false,api.autoscaling.enabled=false,existingSecret=bss-env'],
    ],
  ] as const) {
    test(`helm template | kubeconform -strict: ${name}`, async () => {
      const manifests = await template(...args);
      const yaml = manifests.map((m) => JSON.stringify(m)).join('\n---\n');
      const plain = manifests.filter((m) => !CRD_KINDS.includes(m.kind));
      const r = await kubeconform(plain.map((m) => JSON.stringify(m)).join('\n---\n'));
      assert.equal(r.code, 0, show(r));
      assert.match(
        r.stdout,
        new RegExp(`${plain.length} resources found.*Valid: ${plain.length}, Invalid: 0, Errors: 0, Skipped: 0`),
      );
      assert.ok(yaml.length > 0);
    });
  }

  test('ServiceMonitor and PrometheusRule fit the prometheus-operator CRD schemas', async () => {
    const manifests = await template('-f', CI_VALUES);
    const monitors = manifests.filter((m) => m.kind === 'ServiceMonitor');
    const rules = manifests.filter((m) => m.kind === 'PrometheusRule');
    assert.equal(monitors.length, 1);
    for (const m of monitors) new ServiceMonitor(m as never).validate();
    for (const m of rules) new PrometheusRule(m as never).validate();
    // the same rule files as deploy/prometheus: one PrometheusRule per file, groups unchanged
    const files = readdirSync(join(REPO, 'deploy/prometheus/rules')).filter((f) => f.endsWith('.yml'));
    assert.equal(rules.length, files.length);
    for (const file of files) {
      const own = parseYaml(readFileSync(join(REPO, 'deploy/prometheus/rules', file), 'utf8')) as unknown;
      const rule = rules.find((r) => r.metadata.name === `bss-${file.replace(/\.yml$/, '')}`);
      assert.deepEqual(rule?.spec, own, `PrometheusRule of ${file}`);
    }
  });

  test('every pod runs non-root, read-only, without capabilities, probed on /health/*', async () => {
    const manifests = await template('-f', CI_VALUES);
    const pods = manifests.flatMap((m) => {
      if (m.kind === 'Deployment')
        return [{ name: m.metadata.name, spec: (m.spec as unknown as PodHolder).template.spec }];
      if (m.kind === 'CronJob')
        return [{ name: m.metadata.name, spec: (m.spec as unknown as CronSpec).jobTemplate.spec.template.spec }];
      return [];
    });
    assert.deepEqual(pods.map((p) => p.name).sort(), ['bss-api', 'bss-billing-run', 'bss-worker']);
    for (const { name, spec } of pods) {
      assert.equal(spec.securityContext.runAsNonRoot, true, name);
      for (const c of spec.containers) {
        assert.equal(c.securityContext.readOnlyRootFilesystem, true, name);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false, name);
        assert.deepEqual(c.securityContext.capabilities.drop, ['ALL'], name);
        assert.ok(c.resources.requests, `${name}: resources`);
        if (name === 'bss-billing-run') continue;
        assert.equal(c.livenessProbe?.httpGet.path, '/health/live', name);
        assert.equal(c.readinessProbe?.httpGet.path, '/health/ready', name);
      }
    }
    const kinds = new Set(manifests.map((m) => m.kind));
    for (const kind of ['HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ConfigMap', 'Secret', 'Service'])
      assert.ok(kinds.has(kind), kind);
  });
});

interface Container {
  securityContext: {
    readOnlyRootFilesystem: boolean;
    allowPrivilegeEscalation: boolean;
    capabilities: { drop: string[] };
  };
  resources: { requests?: unknown };
  livenessProbe?: { httpGet: { path: string } };
  readinessProbe?: { httpGet: { path: string } };
}
interface PodSpec {
  securityContext: { runAsNonRoot: boolean };
  containers: Container[];
}
interface PodHolder {
  template: { spec: PodSpec };
}
interface CronSpec {
  jobTemplate: { spec: PodHolder };
}

describe('deploy/compose.yaml', () => {
  test('compose-go loads it: schema, interpolation, references (the jobs profile too)', async () => {
    const r = await run('compose-check', ['deploy/compose.yaml'], undefined, { COMPOSE_PROFILES: 'jobs' });
    assert.equal(r.code, 0, show(r));
    const model = parseYaml(r.stdout) as { services: Record<string, { read_only?: boolean }> };
    const expected = [
      'alertmanager',
      'alertmanager-config',
      'billing',
      'bss-1',
      'bss-2',
      'grafana',
      'kafka',
      'postgres',
      'prometheus',
      'pushgateway',
      'redis',
      'traefik',
    ];
    assert.deepEqual(Object.keys(model.services).sort(), expected);
    assert.equal(model.services['bss-1']?.read_only, true);
  });

  test("promtool accepts the stack's Prometheus config (the pushgateway job with honor_labels)", async () => {
    const r = await run('promtool', ['check', 'config', '--syntax-only', 'deploy/compose/prometheus.yml']);
    assert.equal(r.code, 0, show(r));
    const config = parseYaml(readFileSync(join(REPO, 'deploy/compose/prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ job_name: string; honor_labels?: boolean }>;
    };
    assert.equal(config.scrape_configs.find((j) => j.job_name === 'pushgateway')?.honor_labels, true);
  });

  test('compose-check refuses a broken file (it really validates)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bss-compose-'));
    const broken = join(dir, 'compose.yaml');
    writeFileSync(broken, 'services:\n  a:\n    image: busybox\n    depends_on: [missing]\n    restart: sometimes\n');
    const r = await run('compose-check', [broken]);
    assert.notEqual(r.code, 0, show(r));
    assert.match(r.stderr, /compose-check: .*(missing|restart)/);
  });
});

describe('Dockerfile', () => {
  test('hadolint finds nothing', async () => {
    const r = await run('hadolint', ['Dockerfile']);
    assert.equal(r.code, 0, show(r));
  });

  test('non-root, a health check, node as PID 1, the console built in', () => {
    const text = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
    assert.match(text, /^USER 1000:1000$/m);
    assert.match(text, /^HEALTHCHECK .*\n.*\/health\/ready/m);
    assert.match(text, /^ENTRYPOINT \["node"\]$/m, 'exec form: node is PID 1 and receives SIGTERM');
    assert.match(text, /^CMD \["src\/main\.ts"\]$/m);
    assert.match(text, /COPY --from=build .*\/app\/console\/dist \.\/console\/dist/);
  });
});
