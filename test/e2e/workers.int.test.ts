// `bss start --workers 2` against the real PostgreSQL and Kafka: both workers answer on the one port,
// each event is published once (one relay at a time), a worker killed with SIGKILL is restarted by the
// supervisor and a client resending with its Idempotency-Key loses no write, and SIGTERM drains both. Embedded mode refuses workers.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Admin } from '@platformatic/kafka';
import { createKafkaEventLog } from '../../src/log/kafka/kafka-event-log.ts';
import { requireEnv, uniqueName } from '../support/env.ts';
import { deleteTopicsWithPrefix } from '../support/kafka-topics.ts';
import { freePort } from '../support/private-stack.ts';
import { waitFor } from '../support/wait.ts';
import { customerBody } from '../support/customers.ts';

const BSS = fileURLToPath(new URL('../../src/cli/bss.ts', import.meta.url));
const ADMIN_KEY = `workers-e2e-admin-${'k'.repeat(24)}`;

interface Answer {
  readonly status: number;
  readonly worker: string | undefined;
  readonly retryAfter: string | undefined;
}

/**
 * One request on a connection of its own (the kernel picks the worker per connection). An answer with
 * Retry-After (503: the shared machine overloaded, admission control refused the write before running
 * it; 409: its Idempotency-Key's claim is held by a killed worker until its lease lapses) is sent again
 * after it, as a client does: this test is about the workers, not about shedding.
 */
async function send(port: number, method: string, path: string, body?: unknown, key?: string): Promise<Answer> {
  for (let attempt = 1; ; attempt++) {
    const answer = await sendOnce(port, method, path, body, key);
    if (answer.retryAfter === undefined || attempt === 10) return answer;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function sendOnce(port: number, method: string, path: string, body?: unknown, key?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        port,
        host: '127.0.0.1',
        method,
        path,
        agent: false,
        headers: {
          'x-api-key': ADMIN_KEY,
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...(key ? { 'idempotency-key': key } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            worker: res.headers['x-bss-worker'] as string | undefined,
            retryAfter: res.headers['retry-after'],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Log lines of the supervisor and its workers (JSON lines; the banners are plain text). */
function logLines(text: string): Array<Record<string, unknown>> {
  return text.split('\n').flatMap((line) => {
    try {
      return line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

describe('bss start --workers 2 (distributed mode)', () => {
  const schema = uniqueName('workers');
  const prefix = `${uniqueName('workers').replaceAll('_', '-')}.`;
  const out: string[] = [];
  let child: ReturnType<typeof spawn> | undefined;
  const lines = () => logLines(out.join(''));
  const listening = (worker: number) =>
    lines()
      .filter((l) => l['msg'] === 'worker listening' && l['worker'] === worker)
      .map((l) => l['pid'] as number);

  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      // Gone before its topics are deleted: a running relay would keep writing to them.
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
    const sql = new pg.Client({ connectionString: requireEnv('BSS_DATABASE_URL') });
    await sql.connect();
    await sql.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => sql.end());
    await deleteTopicsWithPrefix(requireEnv('BSS_KAFKA_BROKERS'), prefix);
  });

  test('both answer, events go out once, a killed worker comes back, SIGTERM drains all', async () => {
    const port = await freePort();
    child = spawn(process.execPath, [BSS, 'start', '--workers', '2'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        BSS_DATABASE_URL: requireEnv('BSS_DATABASE_URL'),
        BSS_KAFKA_BROKERS: requireEnv('BSS_KAFKA_BROKERS'),
        BSS_DATABASE_SCHEMA: schema,
        BSS_TOPIC_PREFIX: prefix,
        BSS_EVENT_PARTITIONS: '4',
        BSS_ADMIN_API_KEY: ADMIN_KEY,
        BSS_PORT: String(port),
        BSS_LOG_LEVEL: 'info',
        BSS_SHED_QUEUE_DELAY_MS: '5000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => out.push(chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => out.push(chunk));
    await waitFor(
      'the supervisor started both workers',
      () => lines().some((l) => l['msg'] === 'supervisor started'),
      180_000,
    );

    // Both workers answer: each request on a new connection, spread by the kernel (SO_REUSEPORT).
    const seen = new Set<string | undefined>();
    for (let i = 0; i < 100 && seen.size < 2; i++) seen.add((await send(port, 'GET', '/health/live')).worker);
    assert.deepEqual([...seen].sort(), ['1', '2']);
    // The mediation feed's group is one per deployment: both workers are members, its partitions spread.
    await waitFor(
      'both workers in the mediation group',
      async () => (await groupMembers(`${prefix}bss-mediation`)) === 2,
    );

    // Writes through both; each event is published to Kafka once (one relay publishes at a time).
    const first = Array.from({ length: 40 }, () => uniqueName('cus'));
    const created = await Promise.all(first.map((id) => send(port, 'POST', '/api/v1/customers', customerBody(id))));
    assert.deepEqual(new Set(created.map((a) => a.status)), new Set([201]));
    assert.equal(new Set(created.map((a) => a.worker)).size, 2, 'both workers took writes');
    const sql = new pg.Client({ connectionString: requireEnv('BSS_DATABASE_URL') });
    await sql.connect();
    try {
      await waitFor('the outbox drained', async () => {
        const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.outbox`);
        return rows[0]?.n === 0;
      });
    } finally {
      await sql.end();
    }
    assert.deepEqual(
      await publishedPerKey(`${prefix}bss.events`, first),
      first.map(() => 1),
    );

    // SIGKILL worker 2 while writes keep coming: a request on it may lose its connection (never get an
    // HTTP error); sent again with its Idempotency-Key, as a client does, every write lands once.
    const [killed] = listening(2);
    assert.ok(killed);
    const ids = Array.from({ length: 120 }, () => uniqueName('cus'));
    const lost: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < ids.length) {
          const id = ids[next++] as string;
          if (next === 30) process.kill(killed, 'SIGKILL');
          for (let attempt = 1; ; attempt++) {
            const answer = await send(port, 'POST', '/api/v1/customers', customerBody(id), id).catch(
              (error: NodeJS.ErrnoException) => error.code ?? error.message,
            );
            if (typeof answer !== 'string') {
              assert.equal(answer.status, 201, `${id}: HTTP ${answer.status} on attempt ${attempt}`);
              break;
            }
            lost.push(`${id}: ${answer}`);
            assert.ok(attempt < 5, `connections lost: ${lost.join(', ')}`);
          }
        }
      }),
    );
    for (const id of ids) assert.equal((await send(port, 'GET', `/api/v1/customers/${id}`)).status, 200, id);

    await waitFor('the supervisor restarted worker 2', () => listening(2).length === 2, 180_000);
    assert.ok(
      lines().some((l) => l['msg'] === 'worker died; restarting' && l['worker'] === 2 && l['signal'] === 'SIGKILL'),
    );
    const again = new Set<string | undefined>();
    for (let i = 0; i < 100 && again.size < 2; i++) again.add((await send(port, 'GET', '/health/live')).worker);
    assert.deepEqual([...again].sort(), ['1', '2']);

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0);
    const stops = lines().filter(
      (l) => l['msg'] === 'worker stopped' || (l['worker'] !== undefined && Number(l['level']) >= 50),
    );
    const stopped = stops.filter((l) => l['msg'] === 'worker stopped' && l['code'] === 0).map((l) => l['worker']);
    assert.deepEqual(stopped.sort(), [1, 2], JSON.stringify(stops));
  });
});

async function groupMembers(group: string): Promise<number> {
  const admin = new Admin({
    clientId: uniqueName('workers-admin'),
    bootstrapBrokers: requireEnv('BSS_KAFKA_BROKERS').split(','),
  });
  try {
    return (await admin.describeGroups({ groups: [group] })).get(group)?.members.size ?? 0;
  } finally {
    await admin.close();
  }
}

/** Records on the topic per customer key, in the order of `keys`. */
async function publishedPerKey(topic: string, keys: readonly string[]): Promise<number[]> {
  const log = createKafkaEventLog({
    brokers: requireEnv('BSS_KAFKA_BROKERS').split(','),
    clientId: uniqueName('workers-check'),
  });
  try {
    const counts = new Map<string, number>();
    for (const { partition, end } of await log.offsets(topic)) {
      for (let offset = 0; offset < end;) {
        const page = await log.read(topic, partition, offset, { max: 1000 });
        if (page.length === 0) break;
        for (const record of page) counts.set(record.key, (counts.get(record.key) ?? 0) + 1);
        offset = (page.at(-1)?.offset ?? offset) + 1;
      }
    }
    return keys.map((k) => counts.get(k) ?? 0);
  } finally {
    await log.close();
  }
}

describe('embedded mode', () => {
  test('refuses more than one worker, naming the reason', async () => {
    const child = spawn(process.execPath, [BSS, 'start', '--workers', '2'], {
      env: { PATH: process.env['PATH'] ?? '', BSS_DATA_DIR: `/tmp/${uniqueName('bss-embedded')}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 2);
    assert.match(stderr, /BSS_WORKERS.*embedded mode \(PGlite is single-writer: one process\)/);
  });
});
