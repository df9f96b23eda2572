// The faults, injected one at a time: each takes something away, waits, and gives it back. `healedAt`
// is when the give-back began (the restart command), from which recovery is measured.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Instance, Stack } from './stack.ts';

export interface Timings {
  /** How long an instance stays dead before its restart. */
  readonly instanceDownMs: number;
  readonly kafkaDownMs: number;
  readonly postgresDownMs: number;
  readonly redisDownMs: number;
}

export interface Injected {
  readonly injectedAt: number;
  readonly healedAt: number;
  readonly note: string;
}

export interface Fault {
  readonly name: string;
  readonly description: string;
  inject(stack: Stack, timings: Timings): Promise<Injected>;
}

/** Takes something away, waits, gives it back; the fault ends when the give-back begins. */
async function outage(
  take: () => Promise<void>,
  giveBack: () => Promise<void>,
  downMs: number,
  note = '',
): Promise<Injected> {
  const injectedAt = Date.now();
  await take();
  await sleep(downMs);
  const healedAt = Date.now();
  await giveBack();
  return { injectedAt, healedAt, note };
}

const killAndRestart = (target: Instance, downMs: number, note: string) =>
  outage(
    () => target.kill(),
    () => target.start(),
    downMs,
    note,
  );

/**
 * The instance whose relay holds the outbox round right now: its session (named by application_name)
 * sits in a transaction that took the outbox_relay_lock row. Polled, since rounds are short.
 */
async function relayOwner(stack: Stack, timeoutMs: number): Promise<Instance | undefined> {
  const client = new pg.Client({ connectionString: stack.postgres.url });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ name: string }>(
        `SELECT application_name AS name FROM pg_stat_activity
         WHERE application_name LIKE 'chaos-%' AND xact_start IS NOT NULL
           AND (query ILIKE '%outbox_relay_lock%' OR query ILIKE 'DELETE FROM outbox%')`,
      );
      const name = rows[0]?.name.replace('chaos-', '');
      const owner = stack.instances.find((i) => i.name === name);
      if (owner) return owner;
      await sleep(5);
    }
    return undefined;
  } finally {
    await client.end();
  }
}

export const FAULTS: readonly Fault[] = [
  {
    name: 'instance-kill',
    description: 'SIGKILL of one instance, restart after the down time',
    inject: (stack, t) => killAndRestart(stack.instances[1] as Instance, t.instanceDownMs, 'instance b'),
  },
  {
    name: 'relay-owner-kill',
    description: 'SIGKILL of the instance holding the outbox relay round, restart after 1 s',
    async inject(stack) {
      const owner = await relayOwner(stack, 10_000);
      const target = owner ?? (stack.instances[0] as Instance);
      return killAndRestart(target, 1000, owner ? `owner: instance ${target.name}` : 'no round seen: instance a');
    },
  },
  {
    name: 'kafka-kill',
    description: 'SIGKILL of a Kafka broker, restart after the down time',
    async inject(stack, t) {
      const broker = stack.kafka.nodes[0];
      if (!broker) throw new Error('no broker');
      const note = `broker ${broker.brokers} of ${stack.kafka.nodes.length}`;
      return outage(
        () => broker.kill(),
        () => broker.start(),
        t.kafkaDownMs,
        note,
      );
    },
  },
  {
    name: 'postgres-stop',
    description: 'PostgreSQL immediate stop (SIGQUIT), restart after the down time',
    inject: (stack, t) =>
      outage(
        () => stack.postgres.stopImmediately(),
        () => stack.postgres.start(),
        t.postgresDownMs,
      ),
  },
  {
    name: 'redis-stop',
    description: 'Redis stopped, started again after the down time',
    inject: (stack, t) =>
      outage(
        () => stack.redis.stop(),
        () => stack.redis.start(),
        t.redisDownMs,
      ),
  },
];
