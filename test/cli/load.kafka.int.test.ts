// `bss load --usage-via kafka` as an operator runs it: a distributed-mode service process (its own
// schema and topic prefix), the CLI producing the usage CDRs to the service's mediation feed while
// the rest of the mix goes over HTTP; the report counts the CDRs, and after its drain every one of
// them is an event the service committed. Against a service without the feed it stops with the reason.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import { runCli } from './run-cli.ts';
import { startService, type ServiceProcess } from '../support/service-process.ts';
import { requireEnv, uniqueName } from '../support/env.ts';
import { createPostgresDb } from '../../src/store/postgres-db.ts';
import { createKafkaEventLog } from '../../src/log/kafka/kafka-event-log.ts';
import { openMediationFeed } from '../../src/load/mediation-feed.ts';
import type { LoadReport } from '../../src/load/generator.ts';

const ADMIN_KEY = 'cli-load-kafka-admin-key-0123456789abcdef';
const brokers = requireEnv('BSS_KAFKA_BROKERS');
const schema = uniqueName('loadkafka');
const prefix = `${schema.replaceAll('_', '-')}.`;
let service: ServiceProcess;
let embedded: ServiceProcess;
let dataDir: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bss-load-kafka-'));
  // allSettled: when one fails to start, after() still stops the other.
  const [distributed, local] = await Promise.allSettled([
    startService({
      BSS_DATABASE_URL: requireEnv('BSS_DATABASE_URL'),
      BSS_DATABASE_SCHEMA: schema,
      BSS_KAFKA_BROKERS: brokers,
      BSS_TOPIC_PREFIX: prefix,
      BSS_EVENT_PARTITIONS: '4',
      BSS_ADMIN_API_KEY: ADMIN_KEY,
    }),
    startService({ BSS_DATA_DIR: dataDir, BSS_ADMIN_API_KEY: ADMIN_KEY }),
  ]);
  if (distributed.status === 'fulfilled') service = distributed.value;
  if (local.status === 'fulfilled') embedded = local.value;
  for (const result of [distributed, local]) if (result.status === 'rejected') throw result.reason;
});

after(async () => {
  await Promise.all([service?.stop(), embedded?.stop()]);
  await rm(dataDir, { recursive: true, force: true });
  const db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL') });
  await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await db.close();
  const admin = new Admin({ clientId: 'bss-test-cleanup', bootstrapBrokers: brokers.split(',') });
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  await admin.deleteGroups({ groups: [`${prefix}bss-mediation`] }).catch(() => undefined);
  if (topics.length > 0) await admin.deleteTopics({ topics });
  await admin.close();
});

async function eventsCommitted(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('bss_events_total{'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

function load(url: string, args: string[], env: Record<string, string>) {
  return runCli(['load', '--url', url, ...args], { BSS_API_KEY: ADMIN_KEY, ...env });
}

test('usage via the feed: CDRs produced and counted, drained, and every one committed by the service', async () => {
  const before = await eventsCommitted(service.url);
  const run = await load(
    service.url,
    [
      '--usage-via',
      'kafka',
      '--rate',
      '600',
      '--duration',
      '3s',
      '--customers',
      '10',
      '--usage-batch',
      '50',
      '--drain-timeout',
      '60s',
      '--json',
    ],
    // Brokers and topic prefix as the service has them: the CLI finds the same topic and group.
    { BSS_KAFKA_BROKERS: brokers, BSS_TOPIC_PREFIX: prefix },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, new RegExp(`usage CDRs go to Kafka topic ${prefix}bss.usage.mediation`));
  const report = JSON.parse(run.stdout) as LoadReport;
  assert.equal(report.errors, 0, JSON.stringify(report.errorsByStatus));
  const feed = report.mediation;
  assert.ok(feed, 'the report has the mediation part');
  assert.equal(feed.topic, `${prefix}bss.usage.mediation`);
  assert.equal(feed.group, `${prefix}bss-mediation`);
  assert.equal(feed.failed, 0);
  const batches = report.latency['usage.produce']?.count ?? 0;
  assert.ok(batches > 0, 'usage went to the feed');
  assert.equal(report.latency['usage'], undefined, 'and not to POST /usage');
  assert.equal(feed.produced, batches * 50);
  assert.equal(feed.produceLatency.count, batches);
  assert.ok(feed.produceLatency.p50 <= feed.produceLatency.p99);
  assert.equal(feed.drain.lag, 0);
  assert.ok(feed.drain.seconds >= 0);
  assert.equal(report.events.accepted, report.events.offered);
  // The service committed one usage event per CDR produced, beside what the API accepted and the setup.
  assert.equal((await eventsCommitted(service.url)) - before, report.events.accepted + 10 * 5);
});

test('usage via kafka against a service without the feed stops with the reason, before any traffic', async () => {
  // An embedded service has no Kafka: nobody created (or consumes) the feed topic the CLI is pointed at.
  const run = await load(embedded.url, ['--usage-via', 'kafka', '--duration', '1s'], {
    BSS_KAFKA_BROKERS: brokers,
    BSS_TOPIC_PREFIX: `${prefix}embedded.`,
  });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /--usage-via kafka: the mediation topic .*embedded\.bss\.usage\.mediation does not exist/);
  assert.match(run.stderr, /distributed mode/);
  assert.doesNotMatch(run.stderr, /setup:/, 'no customers were created');

  // No brokers at all: a usage error naming what is missing.
  const noBrokers = await load(embedded.url, ['--usage-via', 'kafka'], {});
  assert.equal(noBrokers.code, 64);
  assert.match(noBrokers.stderr, /--usage-via kafka needs --brokers/);

  // A topic that exists but that no service consumes (the feed's group has no members).
  const topic = `${prefix}orphan.bss.usage.mediation`;
  const log = createKafkaEventLog({ brokers: brokers.split(','), clientId: uniqueName('bss-test-orphan') });
  await log.ensureTopic(topic, { partitions: 1 });
  await log.close();
  await assert.rejects(
    openMediationFeed({ brokers: brokers.split(','), topic, group: `${prefix}nobody`, consumerWaitMs: 500 }),
    /no service consumes .*orphan.* \(consumer group .*nobody has no members\).*distributed mode/,
  );
});
