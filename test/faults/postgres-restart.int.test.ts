// A PostgreSQL immediate stop under writes, against a private server of the test's own: the service
// process stays alive, answers 503 DEPENDENCY_UNAVAILABLE with Retry-After (never 500) and is not ready
// while the database is gone, then serves writes again, LISTEN included, once it is back: no restart.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Admin } from '@platformatic/kafka';
import { Children, outboxRows, privatePostgres } from '../support/private-stack.ts';
import { startService } from '../support/service-process.ts';
import { requireEnv, uniqueName } from '../support/env.ts';
import { waitFor } from '../support/wait.ts';
import { customerBody } from '../support/customers.ts';

const ADMIN_KEY = `faults-admin-${'k'.repeat(24)}`;
const children = new Children();
after(() => children.stopAll());

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly code?: string;
}

async function createCustomer(url: string): Promise<Answer> {
  const customerId = uniqueName('cus');
  try {
    const response = await fetch(`${url}/api/v1/customers`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify(customerBody(customerId)),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json()) as { code?: string };
    return { status: response.status, retryAfter: response.headers.get('retry-after'), code: body.code ?? '' };
  } catch (error) {
    return { status: 0, retryAfter: null, code: String(error) };
  }
}

async function ready(url: string): Promise<{ status: number; body: { status?: string; down?: string[] } }> {
  const response = await fetch(`${url}/health/ready`);
  return { status: response.status, body: (await response.json()) as { status?: string; down?: string[] } };
}

/** Sessions of the server that LISTEN (the cache's NOTIFY listener). */
async function listeners(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query ILIKE 'LISTEN%'`,
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

test('single server: an immediate PostgreSQL stop answers 503 + Retry-After, writes again after, same process', async () => {
  await immediateStop({});
});

test('distributed: the same, and the outbox relay (a round cut by the stop) publishes everything after', async () => {
  const prefix = `${uniqueName('pgfault').replaceAll('_', '-')}.`;
  const brokers = requireEnv('BSS_KAFKA_BROKERS').split(',');
  after(async () => {
    const admin = new Admin({ clientId: 'bss-test-cleanup', bootstrapBrokers: brokers });
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.close();
  });
  const url = await immediateStop({ BSS_KAFKA_BROKERS: brokers.join(','), BSS_TOPIC_PREFIX: prefix });
  await waitFor('the outbox drained', async () => (await outboxRows(url)) === 0, 30_000);
});

/** The scenario against a fresh private server; resolves with its URL, the server still running. */
async function immediateStop(env: Record<string, string>): Promise<string> {
  const database = await privatePostgres(children, mkdtempSync(join(tmpdir(), 'bss-pg-fault-')));
  const service = await startService({ BSS_DATABASE_URL: database.url, BSS_ADMIN_API_KEY: ADMIN_KEY, ...env });
  let writing = true;
  try {
    assert.equal((await createCustomer(service.url)).status, 201);
    await waitFor('the NOTIFY listener', async () => (await listeners(database.url)) > 0);

    // Writers keep going through the stop, so transactions hold pooled connections when it happens.
    const answers: Answer[] = [];
    const writers = Array.from({ length: 4 }, async () => {
      while (writing) answers.push(await createCustomer(service.url));
    });
    await waitFor('writes before the fault', () => answers.length >= 20);
    await database.stopImmediately();
    await waitFor('503s during the outage', () => answers.some((a) => a.status === 503), 10_000);
    const down = await ready(service.url);
    assert.equal(down.status, 503);
    assert.ok(down.body.down?.includes('database'));

    await database.start();
    const restarted = answers.length;
    await waitFor(
      'a successful write after the restart',
      () => answers.slice(restarted).some((a) => a.status === 201),
      15_000,
    );
    writing = false;
    await Promise.all(writers);

    assert.equal(service.child.exitCode, null, `the service exited:\n${service.stderr()}`);
    assert.equal(service.child.signalCode, null);
    const byStatus = Object.groupBy(answers, (a) => String(a.status));
    assert.deepEqual(
      Object.keys(byStatus).sort(),
      ['201', '503'],
      JSON.stringify(answers.filter((a) => a.status !== 201 && a.status !== 503)),
    );
    for (const answer of byStatus['503'] ?? []) {
      assert.equal(answer.code, 'DEPENDENCY_UNAVAILABLE');
      assert.equal(answer.retryAfter, '1');
    }
    // Ready, and nothing degraded: the consumers (on the database log or Kafka) consume again.
    await waitFor('every dependency up again', async () => (await ready(service.url)).body.status === 'ready', 30_000);
    await waitFor('LISTEN again', async () => (await listeners(database.url)) > 0, 15_000);
    assert.doesNotMatch(service.stderr() + service.stdout(), /unhandled error|Unhandled 'error'/);
    return database.url;
  } finally {
    writing = false;
    await service.stop();
  }
}
