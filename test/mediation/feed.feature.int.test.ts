// The mediation feed on the real stack: service processes on PostgreSQL + Kafka rate CDRs produced to
// the prefixed feed topic. A few thousand CDRs with duplicates (produced twice), redeliveries (the
// first instance is killed with SIGKILL mid-feed, so batches it ingested but had not committed come
// again) and invalid ones: every valid CDR is rated exactly once in the read model, the invalid ones
// are in the DLQ with their reason, and the group's offsets reach the end of every partition.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin } from '@platformatic/kafka';
import { startService, type ServiceProcess } from '../support/service-process.ts';
import { requireEnv, uniqueName } from '../support/env.ts';
import { waitFor } from '../support/wait.ts';
import { createPostgresDb } from '../../src/store/postgres-db.ts';
import type { Db } from '../../src/store/db.ts';
import { createKafkaEventLog } from '../../src/log/kafka/kafka-event-log.ts';
import { groupOffsets, type AppendRecord, type EventLog } from '../../src/log/event-log.ts';
import { cdrRecord, type Cdr } from '../../src/mediation/cdr.ts';
import { jsonClient } from '../../src/load/http.ts';
import { setupCustomers } from '../../src/load/generator.ts';

const ADMIN_KEY = 'mediation-feed-admin-key-0123456789abcdef';
const schema = uniqueName('mediation');
const prefix = `${schema.replaceAll('_', '-')}.`;
const topic = `${prefix}bss.usage.mediation`;
const group = `${prefix}bss-mediation`;
const brokers = requireEnv('BSS_KAFKA_BROKERS');
const env = {
  BSS_DATABASE_URL: requireEnv('BSS_DATABASE_URL'),
  BSS_DATABASE_SCHEMA: schema,
  BSS_KAFKA_BROKERS: brokers,
  BSS_TOPIC_PREFIX: prefix,
  BSS_EVENT_PARTITIONS: '4',
  BSS_ADMIN_API_KEY: ADMIN_KEY,
};
let db: Db;
let log: EventLog;
const services: ServiceProcess[] = [];

before(async () => {
  db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL') });
  log = createKafkaEventLog({ brokers: brokers.split(','), clientId: uniqueName('bss-test-feed') });
});

after(async () => {
  for (const s of services) await s.stop('SIGKILL').catch(() => undefined);
  await log.close();
  await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await db.close();
  const admin = new Admin({ clientId: 'bss-test-cleanup', bootstrapBrokers: brokers.split(',') });
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  await admin.deleteGroups({ groups: [group] }).catch(() => undefined);
  if (topics.length > 0) await admin.deleteTopics({ topics });
  await admin.close();
});

async function start(): Promise<ServiceProcess> {
  const service = await startService(env);
  services.push(service);
  return service;
}

/** Rated usage rows of this run: count, and how many events were folded into them (versions). */
async function rated(): Promise<{ rows: number; versions: number }> {
  const { rows } = await db.query<{ n: string; v: string | null }>(
    `SELECT count(*) AS n, sum(version) AS v FROM ${schema}.usage_records WHERE state->>'status' = 'RATED'`,
  );
  return { rows: Number(rows[0]?.n ?? 0), versions: Number(rows[0]?.v ?? 0) };
}

/** usage.rated events in the service's events topic. */
/**
 * usage.rated events in the events topic: distinct event ids and the CDRs they rate. The relay is
 * at-least-once (a crash between its publish and its commit publishes that round again), so the log
 * may hold a record twice; consumers dedupe by event id, and the same id is the same event.
 */
async function ratedEvents(): Promise<{ ids: number; recordIds: number }> {
  const events = `${prefix}bss.events`;
  const ids = new Set<string>();
  const recordIds = new Set<string>();
  for (const p of await log.offsets(events)) {
    for (let from = p.start; from < p.end;) {
      const page = await log.read(events, p.partition, from, { max: 2_000, endOffset: p.end });
      if (page.length === 0) break;
      for (const record of page) {
        const event = JSON.parse(record.value) as { id: string; type: string; data: { recordId?: string } };
        if (event.type !== 'com.droid.bss.usage.rated.v1') continue;
        ids.add(event.id);
        if (event.data.recordId) recordIds.add(event.data.recordId);
      }
      from = (page.at(-1) as { offset: number }).offset + 1;
    }
  }
  return { ids: ids.size, recordIds: recordIds.size };
}

const lag = async () => (await groupOffsets(log, group, topic)).partitions.reduce((a, p) => a + p.lag, 0);

test('every valid CDR is rated exactly once through duplicates, a crash mid-feed and invalid records', async () => {
  const first = await start();
  const client = jsonClient(ADMIN_KEY, 8);
  const targets = await setupCustomers(client, [first.url], schema.slice(-8), 20, 8);
  client.close();
  // After every subscription started (usage before it would be rejected, after now invalid).
  const startedAt = new Date().toISOString();
  const cdrs: Cdr[] = Array.from({ length: 4_000 }, (_, i) => ({
    recordId: `cdr-${i}`,
    subscriptionId: (targets[i % targets.length] as { subscriptionId: string }).subscriptionId,
    usageType: (['voice', 'sms', 'data'] as const)[i % 3] as Cdr['usageType'],
    quantity: 1 + (i % 100),
    startedAt,
  }));
  const invalid: AppendRecord[] = [
    { key: 'x', value: 'not json at all' },
    { key: 'x', value: JSON.stringify({ ...cdrs[0], recordId: 'cdr-neg', quantity: -5 }) },
    { key: 'x', value: JSON.stringify({ ...cdrs[0], recordId: 'cdr-extra', tariff: 1 }) },
    cdrRecord({ ...(cdrs[0] as Cdr), recordId: 'cdr-nosub', subscriptionId: 'sub_nobody' }),
  ];
  const records = cdrs.map(cdrRecord);

  // Wave 1: 3,000 CDRs (the first 200 twice); the first instance is killed while rating them.
  await log.append(topic, [...records.slice(0, 3_000), ...records.slice(0, 200)]);
  await waitFor('the first instance rated some CDRs', async () => (await rated()).rows >= 300, 60_000);
  assert.equal(await first.stop('SIGKILL'), null, 'killed, not exited');
  const left = await lag();
  const ratedAtCrash = (await rated()).rows;
  assert.ok(left > 0, `the crash left CDRs to rate (lag ${left}, rated ${ratedAtCrash})`);

  // Wave 2 while no instance runs: the rest, the invalid ones, and 500 of wave 1 again.
  await log.append(topic, [...records.slice(3_000), ...invalid, ...records.slice(1_000, 1_500)]);
  const second = await start();
  await waitFor('the feed drained', async () => (await lag()) === 0, 120_000);

  const final = await rated();
  assert.equal(final.rows, cdrs.length, 'every valid CDR rated');
  assert.equal(final.versions, cdrs.length, 'none rated twice: one event per usage record');
  // One usage.rated event per CDR in the events topic (the outbox relay publishes asynchronously).
  await waitFor('the relay published every usage.rated event', async () => (await ratedEvents()).ids >= cdrs.length);
  assert.deepEqual(
    await ratedEvents(),
    { ids: cdrs.length, recordIds: cdrs.length },
    'one usage.rated event (one event id) per CDR in the log',
  );

  // Offsets: committed at the end of every partition.
  const offsets = await groupOffsets(log, group, topic);
  assert.equal(offsets.partitions.length, 4);
  for (const p of offsets.partitions) assert.equal(p.committed, p.end, `partition ${p.partition}`);

  // Dead letters: the four invalid ones, each with its reason (at least once: a crash may repeat one).
  const dead = await log.read(`${topic}.dlq`, 0, 0, { max: 100 });
  const codes = new Map(dead.map((r) => [r.value, r.headers]));
  assert.equal(codes.size, 4, dead.map((r) => r.value).join('\n'));
  assert.equal(codes.get('not json at all')?.['dlq-code'], 'MALFORMED_CDR');
  assert.equal(codes.get(invalid[1]?.value as string)?.['dlq-field'], '/quantity');
  assert.equal(codes.get(invalid[2]?.value as string)?.['dlq-field'], '/tariff');
  const nosub = codes.get(invalid[3]?.value as string);
  assert.ok(nosub?.['dlq-code'] && nosub['dlq-code'] !== 'INVALID_CDR', JSON.stringify(nosub));
  for (const headers of codes.values()) {
    assert.equal(headers['dlq-reason'], 'invalid');
    assert.equal(headers['dlq-group'], group);
    assert.ok(headers['dlq-error']);
  }

  // The second instance's metrics: what it rated, the duplicates it saw, the lag gauge of the group.
  const metrics = await (await fetch(`${second.url}/metrics`)).text();
  const count = (outcome: string) =>
    Number(new RegExp(`bss_mediation_records_total\\{outcome="${outcome}"\\} (\\d+)`).exec(metrics)?.[1]);
  assert.equal(count('rated'), cdrs.length - ratedAtCrash, 'the second instance rated the rest');
  assert.ok(count('duplicate') >= 500, `duplicates ${count('duplicate')}`);
  assert.equal(count('invalid'), 4);
  await waitFor(
    'the consumer-lag gauge reports the feed group at 0',
    async () => {
      const text = await (await fetch(`${second.url}/metrics`)).text();
      const lines = text.split('\n').filter((l) => l.startsWith('bss_consumer_lag{') && l.includes(`group="${group}"`));
      return lines.length === 4 && lines.every((l) => l.endsWith(' 0'));
    },
    15_000,
  );

  // Wave 3 while the usage table is unreachable (renamed away: every ingest fails, as with the
  // database down): retried with backoff, nothing committed, nothing dead-lettered; then all rated.
  const extra = Array.from({ length: 300 }, (_, i) => cdrRecord({ ...(cdrs[i] as Cdr), recordId: `cdr-late-${i}` }));
  const retries = async () =>
    sumOf(await (await fetch(`${second.url}/metrics`)).text(), `bss_consumer_retries_total{group="${group}"}`);
  const retriedBefore = await retries();
  await db.query(`ALTER TABLE ${schema}.usage_records RENAME TO usage_records_away`);
  try {
    await log.append(topic, extra);
    await waitFor('the failing ingest is retried', async () => (await retries()) >= retriedBefore + 3, 30_000);
    assert.equal(await lag(), extra.length, 'nothing committed while the ingest fails');
  } finally {
    await db.query(`ALTER TABLE ${schema}.usage_records_away RENAME TO usage_records`);
  }
  await waitFor('the feed drained after the outage', async () => (await lag()) === 0, 60_000);
  const after = await rated();
  assert.equal(after.rows, cdrs.length + extra.length);
  assert.equal(after.versions, cdrs.length + extra.length);
  assert.equal((await log.read(`${topic}.dlq`, 0, 0, { max: 100 })).length, dead.length, 'no new dead letters');
  assert.equal(await second.stop(), 0);
});

/** The value of one sample line (exact name and labels) in Prometheus text, 0 when absent. */
function sumOf(text: string, sample: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}
