// Private Redis, redis_exporter, Alertmanager and Prometheus for one test, on free loopback ports, so
// that stopping Redis or firing alerts cannot disturb the tests sharing the project's stack. Configs
// are rendered from deploy/ the way scripts/services.sh renders them, with the test's addresses.
import pg from 'pg';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chownSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as toYaml } from 'yaml';

export const REPO = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

/** Sends a child a signal (SIGKILL, or SIGQUIT for an immediate PostgreSQL stop) and waits for its exit. */
export async function signalAndWait(child: Child | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.process.exitCode !== null) return;
  const exited = once(child.process, 'exit');
  child.process.kill(signal);
  await exited;
}

/** Every child a test started, so `after` can stop them all, even after a failure. */
export class Children {
  readonly #all = new Set<Child>();

  constructor() {
    // a test process that dies without running `after` (timeout, uncaught error) still kills them
    process.once('exit', () => {
      for (const c of this.#all) c.process.kill('SIGKILL');
    });
  }

  start(name: string, cmd: string, args: readonly string[], env?: NodeJS.ProcessEnv, user?: User): Child {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env } : {}), ...user });
    const chunks: string[] = [];
    const keep = (chunk: string) => {
      chunks.push(chunk);
      if (chunks.length > 400) chunks.splice(0, 200); // the tail is what explains a failure
    };
    child.stdout?.setEncoding('utf8').on('data', keep);
    child.stderr?.setEncoding('utf8').on('data', keep);
    child.once('error', (error) => keep(`${name}: ${String(error)}\n`));
    const entry: Child = {
      name,
      process: child,
      log: () => chunks.join(''),
      stop: async () => {
        this.#all.delete(entry);
        if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      },
    };
    this.#all.add(entry);
    return entry;
  }

  logs(): string {
    return [...this.#all].map((c) => `--- ${c.name}\n${c.log().slice(-3000)}`).join('\n');
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#all].map((c) => c.stop()));
  }
}

export function startRedis(children: Children, port: number): Child {
  return children.start('redis-server', 'redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
}

export function startRedisExporter(children: Children, redisPort: number, port: number): Child {
  return children.start('redis_exporter', 'prometheus-redis-exporter', [
    '-redis.addr',
    `redis://127.0.0.1:${redisPort}`,
    '-web.listen-address',
    `127.0.0.1:${port}`,
  ]);
}

export interface AlertmanagerUrls {
  /** The alert-log webhook (every alert). */
  readonly webhook: string;
  /** Slack, PagerDuty: the team receivers, so a test sees which route an alert took. */
  readonly slack: string;
  readonly pagerduty: string;
  /** Where nothing listens: e-mail deliveries just fail. */
  readonly smtp: string;
}

/** deploy/alertmanager/alertmanager.yml with the placeholders services.sh replaces, pointed at the test. */
export function startAlertmanager(children: Children, dir: string, port: number, urls: AlertmanagerUrls): Child {
  const secrets = join(dir, 'secrets');
  mkdirSync(secrets, { recursive: true });
  const template = readFileSync(join(REPO, 'deploy/alertmanager/alertmanager.yml'), 'utf8');
  for (const [, name] of template.matchAll(/@SECRETS_DIR@\/([A-Za-z0-9_.-]+)/g)) {
    writeFileSync(join(secrets, name as string), name?.includes('url') ? urls.slack : `test-${name}`);
  }
  const config = join(dir, 'alertmanager.yml');
  writeFileSync(
    config,
    template
      .replaceAll('@REPO@', REPO)
      .replaceAll('@SECRETS_DIR@', secrets)
      .replaceAll('@ALERT_WEBHOOK_URL@', urls.webhook)
      .replaceAll('@PAGERDUTY_URL@', urls.pagerduty)
      .replaceAll('@SMTP_SMARTHOST@', urls.smtp),
  );
  return children.start('alertmanager', 'prometheus-alertmanager', [
    `--config.file=${config}`,
    `--storage.path=${join(dir, 'am-data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
  ]);
}

interface ScrapeConfig {
  job_name: string;
  static_configs?: Array<{ targets: string[] }>;
  file_sd_configs?: Array<{ files: string[]; refresh_interval?: string }>;
}

export interface PrometheusTargets {
  readonly port: number;
  readonly alertmanager: string;
  readonly redisExporter: string;
  /** The file_sd file of the `bss` job; the test writes its instances into it. */
  readonly bssTargetsFile: string;
  /** A private Pushgateway; default the project's (127.0.0.1:59091, read-only scrape). */
  readonly pushgateway?: string;
  readonly intervalSeconds: number;
  readonly env: string;
}

/**
 * deploy/prometheus/prometheus.yml with the test's addresses: its own Prometheus, Alertmanager, Redis
 * exporter and bss file_sd file; the project's PostgreSQL, node and Kafka JMX exporters stay (read-only
 * scrapes). Every job of the template must be kept, so a new job there cannot go unproven here.
 */
export function prometheusConfig(t: PrometheusTargets): string {
  const text = readFileSync(join(REPO, 'deploy/prometheus/prometheus.yml'), 'utf8').replaceAll('@REPO@', REPO);
  const config = parseYaml(text) as {
    global: Record<string, unknown> & { external_labels: Record<string, string> };
    alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
    rule_files: string[];
    scrape_configs: ScrapeConfig[];
  };
  const interval = `${t.intervalSeconds}s`;
  config.global = { ...config.global, scrape_interval: interval, evaluation_interval: interval };
  config.global.external_labels = { ...config.global.external_labels, env: t.env };
  config.alerting.alertmanagers = [{ static_configs: [{ targets: [t.alertmanager] }] }];
  const own: Record<string, string> = {
    prometheus: `127.0.0.1:${t.port}`,
    alertmanager: t.alertmanager,
    redis: t.redisExporter,
    ...(t.pushgateway ? { pushgateway: t.pushgateway } : {}),
  };
  const jobs = config.scrape_configs.map((job) => job.job_name).sort();
  const expected = ['alertmanager', 'bss', 'kafka', 'node', 'postgres', 'prometheus', 'pushgateway', 'redis'];
  if (jobs.join() !== expected.join()) throw new Error(`prometheus.yml jobs changed: ${jobs.join()}`);
  for (const job of config.scrape_configs) {
    const target = own[job.job_name];
    if (target) job.static_configs = [{ targets: [target] }];
    if (job.job_name === 'bss') job.file_sd_configs = [{ files: [t.bssTargetsFile], refresh_interval: interval }];
  }
  return toYaml(config);
}

export function startPushgateway(children: Children, port: number): Child {
  return children.start('pushgateway', 'prometheus-pushgateway', [
    `--web.listen-address=127.0.0.1:${port}`,
    '--persistence.file=',
  ]);
}

export function startPrometheus(children: Children, dir: string, t: PrometheusTargets): Child {
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, prometheusConfig(t));
  return children.start('prometheus', 'prometheus', [
    `--config.file=${config}`,
    `--storage.tsdb.path=${join(dir, 'prom-data')}`,
    `--web.listen-address=127.0.0.1:${t.port}`,
    '--log.level=warn',
  ]);
}

/** A file_sd target list: what the bss job scrapes. */
export function writeTargets(file: string, targets: readonly string[], labels: Record<string, string> = {}): void {
  writeFileSync(`${file}.tmp`, JSON.stringify([{ targets, labels }]));
  renameSync(`${file}.tmp`, file); // Prometheus never reads a half-written file
}

/** Polls a TCP port until something accepts on it. */
export async function listening(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const PG_BIN = '/usr/lib/postgresql/15/bin';
/** A process's user: PostgreSQL refuses to run as root, so as scripts/services.sh it runs as postgres then. */
export interface User {
  readonly uid: number;
  readonly gid: number;
}
function postgresUser(): User | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export interface PrivatePostgres {
  readonly url: string;
  start(): Promise<void>;
  /** `pg_ctl stop -m immediate`: SIGQUIT to the postmaster, no shutdown checkpoint, connections cut. */
  stopImmediately(): Promise<void>;
}

/** A PostgreSQL server of the test's own (initdb in dir, trust auth on loopback), to stop and restart. */
export async function privatePostgres(children: Children, dir: string): Promise<PrivatePostgres> {
  const port = await freePort();
  const data = join(dir, 'pgdata');
  const user = postgresUser();
  mkdirSync(dir, { recursive: true });
  if (user) chownSync(dir, user.uid, user.gid);
  const initdb = ['-D', data, '-U', 'bss', '--auth=trust', '-E', 'UTF8', '--locale=C'];
  execFileSync(join(PG_BIN, 'initdb'), initdb, { stdio: 'ignore', ...user });
  let server: Child | undefined;
  const pg: PrivatePostgres = {
    url: `postgres://bss@127.0.0.1:${port}/postgres`,
    async start() {
      const flags = ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-k', dir, '-c', 'fsync=off'];
      server = children.start('postgres', join(PG_BIN, 'postgres'), flags, undefined, user);
      await listening(port, 30_000);
    },
    async stopImmediately() {
      const running = server;
      server = undefined;
      // SIGQUIT is what `pg_ctl stop -m immediate` sends the postmaster.
      await signalAndWait(running, 'SIGQUIT');
    },
  };
  await pg.start();
  return pg;
}

export const KAFKA_LIBS = '/work/main/.services/kafka/libs';

export interface PrivateKafka {
  readonly brokers: string;
  start(): Promise<void>;
  kill(): Promise<void>;
}

/** A single-node KRaft broker of the test's own (deploy/kafka/server.properties on free ports). */
export async function privateKafka(children: Children, dir: string): Promise<PrivateKafka> {
  const { nodes } = await privateKafkaCluster(children, dir, 1);
  return nodes[0] as PrivateKafka;
}

export interface KafkaStack {
  readonly brokers: string;
  readonly nodes: readonly PrivateKafka[];
}

/** One KRaft node per entry; every node is broker and controller (a quorum of three survives one loss). */
export async function privateKafkaCluster(children: Children, dir: string, size: number): Promise<KafkaStack> {
  const ports = await Promise.all(Array.from({ length: size * 2 }, () => freePort()));
  const voters = Array.from({ length: size }, (_, i) => `${i + 1}@127.0.0.1:${ports[size + i]}`).join(',');
  // As Kafka's own Uuid.randomUuid: an id starting with '-' reads as an option to the storage tool (1 in 64).
  let clusterId = randomBytes(16).toString('base64url');
  while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
  const log4j = `-Dlog4j2.configurationFile=${join(REPO, 'deploy/kafka/log4j2.yaml')}`;
  const classpath = ['-cp', `${KAFKA_LIBS}/*`];
  const template = readFileSync(join(REPO, 'deploy/kafka/server.properties'), 'utf8');
  const nodes: PrivateKafka[] = [];
  for (let i = 0; i < size; i++) {
    const [port, controller] = [ports[i] as number, ports[size + i] as number];
    const data = join(dir, `kafka-${i + 1}`);
    mkdirSync(data, { recursive: true });
    const props = join(dir, `server-${i + 1}.properties`);
    writeFileSync(
      props,
      template
        .replaceAll('@KAFKA_DATA_DIR@', data)
        .replaceAll('59092', String(port))
        .replaceAll('59093', String(controller))
        .replace(/^node\.id=.*$/m, `node.id=${i + 1}`)
        .replace(/^controller\.quorum\.voters=.*$/m, `controller.quorum.voters=${voters}`)
        .replace(
          /^(default\.replication\.factor|offsets\.topic\.replication\.factor|transaction\.state\.log\.replication\.factor|share\.coordinator\.state\.topic\.replication\.factor)=.*$/gm,
          `$1=${size}`,
        )
        .replace(
          /^(min\.insync\.replicas|transaction\.state\.log\.min\.isr|share\.coordinator\.state\.topic\.min\.isr)=.*$/gm,
          `$1=${Math.min(2, size)}`,
        ),
    );
    execFileSync(
      'java',
      [
        '-Xmx256m',
        log4j,
        ...classpath,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        props,
        '--ignore-formatted',
      ],
      { stdio: 'ignore' },
    );
    let child: Child | undefined;
    nodes.push({
      brokers: `127.0.0.1:${port}`,
      async start() {
        // Three nodes share the machine with two instances: less heap each than one alone.
        child = children.start(size === 1 ? 'kafka' : `kafka-${i + 1}`, 'java', [
          ...(size === 1 ? ['-Xms256m', '-Xmx512m'] : ['-Xms128m', '-Xmx384m']),
          '-XX:+UseG1GC',
          log4j,
          ...classpath,
          'kafka.Kafka',
          props,
        ]);
        await listening(port, size === 1 ? 90_000 : 120_000);
      },
      async kill() {
        const running = child;
        child = undefined;
        await signalAndWait(running, 'SIGKILL');
      },
    });
  }
  await Promise.all(nodes.map((node) => node.start()));
  return { brokers: nodes.map((n) => n.brokers).join(','), nodes };
}

/** Rows waiting in the outbox of a private database (the relay has not published them yet). */
export async function outboxRows(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}
