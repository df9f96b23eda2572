// A Kafka broker killed for longer than the clients' retries (a private KRaft broker of the test's own,
// the shared PostgreSQL on a fresh schema): the service stays ready (degraded, naming Kafka and then its
// consumers) and keeps taking writes into the outbox; when the broker is back, the consumers restart by
// themselves, the mediation feed rates CDRs again, and the relay publishes what waited. No restart.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Children, privateKafka } from '../support/private-stack.ts';
import { startService } from '../support/service-process.ts';
import { requireEnv, uniqueName } from '../support/env.ts';
import { waitFor } from '../support/wait.ts';
import { createPostgresDb } from '../../src/store/postgres-db.ts';
import { createKafkaEventLog } from '../../src/log/kafka/kafka-event-log.ts';
import { cdrRecord, type Cdr } from '../../src/mediation/cdr.ts';
import { jsonClient } from '../../src/load/http.ts';
import { setupCustomers } from '../../src/load/generator.ts';

const ADMIN_KEY = `faults-kafka-admin-${'k'.repeat(24)}`;
const schema = uniqueName('kafka_fault');
const children = new Children();
const cleanups: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  await children.stopAll();
});

interface Ready {
  status: number;
  body: { status: string; down: string[]; checks: Record<string, { status: string; error?: string }> };
}
async function ready(url: string): Promise<Ready> {
  const response = await fetch(`${url}/health/ready`);
  return { status: response.status, body: (await response.json()) as Ready['body'] };
}

test('a Kafka outage longer than the retries: ready but degraded, then consumers and relay resume', async () => {
  const kafka = await privateKafka(children, mkdtempSync(join(tmpdir(), 'bss-kafka-fault-')));
  const db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL') });
  cleanups.push(async () => {
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.close();
  });
  const service = await startService({
    BSS_DATABASE_URL: requireEnv('BSS_DATABASE_URL'),
    BSS_DATABASE_SCHEMA: schema,
    BSS_KAFKA_BROKERS: kafka.brokers,
    BSS_EVENT_PARTITIONS: '2',
    BSS_ADMIN_API_KEY: ADMIN_KEY,
  });
  cleanups.push(() => service.stop());
  const client = jsonClient(ADMIN_KEY, 2);
  cleanups.push(async () => client.close());
  const [target] = await setupCustomers(client, [service.url], schema.slice(-8), 1, 1);
  const subscriptionId = (target as { subscriptionId: string }).subscriptionId;
  const startedAt = new Date().toISOString();
  const cdr = (recordId: string): Cdr => ({ recordId, subscriptionId, usageType: 'sms', quantity: 1, startedAt });
  const rated = async () =>
    Number(
      (
        await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${schema}.usage_records WHERE state->>'status' = 'RATED'`,
        )
      ).rows[0]?.n,
    );
  const produce = async (recordId: string) => {
    const feed = createKafkaEventLog({ brokers: [kafka.brokers], clientId: uniqueName('bss-test-feed') });
    try {
      await feed.append('bss.usage.mediation', [cdrRecord(cdr(recordId))]);
    } finally {
      await feed.close();
    }
  };
  await produce('cdr-before');
  await waitFor('the CDR before the outage is rated', async () => (await rated()) === 1, 60_000);
  assert.equal((await ready(service.url)).body.status, 'ready');

  await kafka.kill();
  const answers: Ready[] = [];
  // Until the consumers gave up on their subscriptions (the client's retries) and report it.
  await waitFor(
    'readiness names the consumers that stopped consuming',
    async () => {
      const answer = await ready(service.url);
      answers.push(answer);
      return answer.body.checks['consumers']?.status === 'down';
    },
    120_000,
  );
  assert.ok(
    answers.every((a) => a.status === 200 && a.body.status === 'degraded'),
    JSON.stringify(answers.at(-1)),
  );
  assert.ok(answers.at(-1)?.body.down.includes('kafka'));
  const metrics = await (await fetch(`${service.url}/metrics`)).text();
  assert.match(metrics, /bss_dependency_up\{dependency="kafka",required="false"\} 0/);
  assert.match(metrics, /bss_dependency_up\{dependency="database",required="true"\} 1/);
  // Writes still succeed: their events wait in the outbox.
  const during = await client.send('PATCH', `${service.url}/api/v1/customers/${target?.customerId}`, {
    email: `during-${schema}@example.com`,
  });
  assert.equal(during.status, 200, JSON.stringify(during.body));
  assert.ok(Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.outbox`)).rows[0]?.n) > 0);

  await kafka.start();
  await waitFor('every dependency up again', async () => (await ready(service.url)).body.status === 'ready', 90_000);
  await waitFor(
    'the outbox drained',
    async () => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.outbox`)).rows[0]?.n) === 0,
    60_000,
  );
  await produce('cdr-after');
  await waitFor('the CDR after the outage is rated', async () => (await rated()) === 2, 60_000);
  assert.equal(service.child.exitCode, null, service.stderr());
});
