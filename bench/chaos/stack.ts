// The chaos run's own stack: a private PostgreSQL, Redis and Kafka (one broker, or a three-broker
// KRaft cluster with replication factor 3 and min.insync.replicas 2), each a child process it may
// kill, on free ports; the shared services other people use are never touched. Two distributed-mode
// service instances on fixed ports run against it, and can be killed and restarted on the same port.
import { join } from 'node:path';
import {
  Children,
  freePort,
  listening,
  privateKafkaCluster,
  privatePostgres,
  startRedis,
  type Child,
  type KafkaStack,
  type PrivatePostgres,
} from '../../test/support/private-stack.ts';
import { startService, type ServiceProcess } from '../../test/support/service-process.ts';

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
  /** Everything its processes so far printed on stdout (the JSON log). */
  stdout(): string;
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
  const earlierOut: string[] = [];
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
      earlierOut.push(running.stdout());
    },
    async start() {
      const began = Date.now();
      process = await startService({ ...env, BSS_PORT: String(port) }, 120_000);
      startups.push(Date.now() - began);
    },
    startups,
    stderr: () => earlier.join('') + (process?.stderr() ?? ''),
    stdout: () => earlierOut.join('') + (process?.stdout() ?? ''),
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
  try {
    return await startOn(children, options);
  } catch (error) {
    // Left running, their pipes would keep the test process alive after the failure, the suite waiting on it.
    await children.stopAll();
    throw error;
  }
}

async function startOn(children: Children, options: StackOptions): Promise<Stack> {
  const postgres = await privatePostgres(children, join(options.dir, 'pg'));
  const redis = await privateRedis(children);
  const kafka = await privateKafkaCluster(children, join(options.dir, 'kafka'), options.brokers);
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
  const b = await instance('b', env('b')).catch(async (error: unknown) => {
    await a.kill();
    throw error;
  });
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
