// The chaos run's own stack: a private PostgreSQL, Redis and Kafka (one broker, or a three-broker
// KRaft cluster with replication factor 3 and min.insync.replicas 2), each a child process it may
// kill, on free ports; the shared services other people use are never touched. Two distributed-mode
// service instances on fixed ports run against it, and can be killed and restarted on the same port.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Children,
  KAFKA_LIBS,
  REPO,
  freePort,
  listening,
  privateKafka,
  privatePostgres,
  startRedis,
  type Child,
  type PrivatePostgres,
} from '../../test/support/private-stack.ts';
import { startService, type ServiceProcess } from '../../test/support/service-process.ts';

export interface Broker {
  readonly brokers: string;
  start(): Promise<void>;
  kill(): Promise<void>;
}

export interface KafkaStack {
  readonly brokers: string;
  readonly nodes: readonly Broker[];
}

/** One KRaft node per entry; every node is broker and controller (a quorum of three survives one loss). */
export async function privateKafkaCluster(children: Children, dir: string, size: number): Promise<KafkaStack> {
  const ports = await Promise.all(Array.from({ length: size * 2 }, () => freePort()));
  const voters = Array.from({ length: size }, (_, i) => `${i + 1}@127.0.0.1:${ports[size + i]}`).join(',');
  const clusterId = randomBytes(16).toString('base64url');
  const log4j = `-Dlog4j2.configurationFile=${join(REPO, 'deploy/kafka/log4j2.yaml')}`;
  const classpath = ['-cp', `${KAFKA_LIBS}/*`];
  const template = readFileSync(join(REPO, 'deploy/kafka/server.properties'), 'utf8');
  const nodes: Broker[] = [];
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
        child = children.start(`kafka-${i + 1}`, 'java', [
          '-Xms128m',
          '-Xmx384m',
          '-XX:+UseG1GC',
          log4j,
          ...classpath,
          'kafka.Kafka',
          props,
        ]);
        await listening(port, 120_000);
      },
      async kill() {
        const running = child;
        child = undefined;
        if (!running || running.process.exitCode !== null) return;
        const exited = once(running.process, 'exit');
        running.process.kill('SIGKILL');
        await exited;
      },
    });
  }
  await Promise.all(nodes.map((node) => node.start()));
  return { brokers: nodes.map((n) => n.brokers).join(','), nodes };
}

export interface PrivateRedis {
  readonly url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

async function privateRedis(children: Children): Promise<PrivateRedis> {
  const port = await freePort();
  let child: Child | undefined;
  const redis: PrivateRedis = {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = startRedis(children, port);
      await listening(port, 20_000);
    },
    async stop() {
      await child?.stop();
      child = undefined;
    },
  };
  await redis.start();
  return redis;
}

export interface Instance {
  readonly name: string;
  readonly url: string;
  /** The running process (undefined while killed). */
  current(): ServiceProcess | undefined;
  kill(): Promise<void>;
  start(): Promise<void>;
  /** ms each start took until the service printed its URL. */
  readonly startups: number[];
  /** Everything both processes so far printed on stderr (crashes, unhandled errors). */
  stderr(): string;
}

export interface Stack {
  readonly children: Children;
  readonly postgres: PrivatePostgres;
  readonly redis: PrivateRedis;
  readonly kafka: KafkaStack;
  readonly instances: readonly Instance[];
  stop(): Promise<void>;
}

async function instance(name: string, env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  let process: ServiceProcess | undefined;
  const earlier: string[] = [];
  const startups: number[] = [];
  const self: Instance = {
    name,
    url: `http://127.0.0.1:${port}`,
    current: () => process,
    async kill() {
      const running = process;
      process = undefined;
      if (!running) return;
      await running.stop('SIGKILL');
      earlier.push(running.stderr());
    },
    async start() {
      const began = Date.now();
      process = await startService({ ...env, BSS_PORT: String(port) }, 120_000);
      startups.push(Date.now() - began);
    },
    startups,
    stderr: () => earlier.join('') + (process?.stderr() ?? ''),
  };
  await self.start();
  return self;
}

export interface StackOptions {
  readonly dir: string;
  readonly adminKey: string;
  /** Kafka brokers: 1, or 3 for the cluster option. */
  readonly brokers: number;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const children = new Children();
  const postgres = await privatePostgres(children, join(options.dir, 'pg'));
  const redis = await privateRedis(children);
  const kafka: KafkaStack =
    options.brokers === 1
      ? await (async () => {
          const single = await privateKafka(children, join(options.dir, 'kafka'));
          return { brokers: single.brokers, nodes: [single] };
        })()
      : await privateKafkaCluster(children, join(options.dir, 'kafka'), options.brokers);
  const env = (name: string): Record<string, string> => ({
    // application_name tells which instance a database session belongs to (the relay's owner).
    BSS_DATABASE_URL: `${postgres.url}?application_name=chaos-${name}`,
    BSS_KAFKA_BROKERS: kafka.brokers,
    BSS_REDIS_URL: redis.url,
    BSS_ADMIN_API_KEY: options.adminKey,
    BSS_EVENT_PARTITIONS: '4',
    // Admission control sheds writes queued over 200 ms; on a machine shared with other work that
    // sheds the setup itself. The faults, not the machine, are what this run measures.
    BSS_SHED_QUEUE_DELAY_MS: '5000',
    BSS_LOG_LEVEL: 'warn',
  });
  // The first instance migrates the schema alone; the second starts on the migrated database.
  const a = await instance('a', env('a'));
  const b = await instance('b', env('b'));
  return {
    children,
    postgres,
    redis,
    kafka,
    instances: [a, b],
    async stop() {
      await Promise.all([a.kill(), b.kill()]);
      await children.stopAll();
    },
  };
}
