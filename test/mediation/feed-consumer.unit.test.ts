// The mediation consumer over the embedded database log and the real usage command (PGlite): batches
// of at most USAGE_CHUNK per ingest, each valid CDR rated once, duplicates and redeliveries harmless,
// refusals dead-lettered with their reason, failed ingests retried without committing or dropping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { USAGE_CHUNK, type UsageCommands } from '../../src/application/commands/usage.ts';
import { groupOffsets, type EventLog } from '../../src/log/event-log.ts';
import { cdrRecord, type Cdr } from '../../src/mediation/cdr.ts';
import { dlqTopicOf, refusalsOf, startMediationConsumer } from '../../src/mediation/feed-consumer.ts';
import { createMediationMetrics } from '../../src/observability/mediation-metrics.ts';
import { createLogMetrics } from '../../src/observability/log-metrics.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { composedAppPerFile } from '../support/composed-app.ts';
import { customerWithSubscription } from '../support/customers.ts';
import { waitFor } from '../support/wait.ts';

let log: EventLog;
let subscriptionId: string;

const bss = composedAppPerFile(
  {},
  {
    setUp: async () => {
      log = bss.services.log;
      ({ subscriptionId } = await customerWithSubscription(bss.services.application));
    },
  },
);

const cdr = (recordId: string): Cdr => ({
  recordId,
  subscriptionId,
  usageType: 'sms',
  quantity: 1,
  startedAt: new Date().toISOString(),
});

/** The usage command, with each call's size recorded and the first `failures` calls failing. */
function observed(failures = 0) {
  const calls: number[] = [];
  let failing = failures;
  const usage: UsageCommands = {
    async ingest(records) {
      if (failing-- > 0) throw new Error('connection refused (test)');
      calls.push(records.length);
      return bss.services.application.usage.ingest(records);
    },
  };
  return { usage, calls };
}

async function countRated(prefix: string): Promise<number> {
  const { rows } = await bss.services.db.query<{ n: string }>(
    "SELECT count(*) AS n FROM usage_records WHERE id LIKE $1 AND state->>'status' = 'RATED'",
    [`${prefix}%`],
  );
  return Number(rows[0]?.n ?? 0);
}

async function start(topic: string, usage: UsageCommands, registry = new Registry(), on: EventLog = log) {
  return startMediationConsumer({
    log: on,
    usage,
    topic,
    group: `${topic}-group`,
    logger: createLogger('silent'),
    logMetrics: createLogMetrics(registry),
    metrics: createMediationMetrics(registry),
    backoffMs: 10,
    maxBackoffMs: 50,
  });
}

const lagOf = async (topic: string) =>
  (await groupOffsets(log, `${topic}-group`, topic)).partitions.reduce((a, p) => a + p.lag, 0);

test('CDRs are ingested in batches of at most USAGE_CHUNK; each valid one rated once; refusals dead-lettered', async () => {
  const topic = `feed-${randomUUID()}`;
  await log.ensureTopic(topic, { partitions: 2 });
  const prefix = `u-${randomUUID()}`;
  const valid = Array.from({ length: 2_500 }, (_, i) => cdrRecord(cdr(`${prefix}-${i}`)));
  const duplicates = valid.slice(0, 100); // produced twice: a retrying mediation
  const invalid = [
    { key: subscriptionId, value: '{truncated' },
    { key: subscriptionId, value: JSON.stringify({ ...cdr(`${prefix}-bad`), quantity: -1 }) },
    cdrRecord({ ...cdr(`${prefix}-nosub`), subscriptionId: 'sub_does_not_exist' }),
  ];
  await log.append(topic, [...valid, ...invalid, ...duplicates]);
  const registry = new Registry();
  const { usage, calls } = observed();
  const consumer = await start(topic, usage, registry);
  try {
    await waitFor('the feed drained', async () => (await lagOf(topic)) === 0, 60_000);
  } finally {
    await consumer.stop();
  }
  assert.ok(
    calls.every((n) => n >= 1 && n <= USAGE_CHUNK),
    `ingest call sizes ${calls.join(',')}`,
  );
  assert.equal(
    calls.reduce((a, n) => a + n, 0),
    valid.length + duplicates.length + 1, // the two the schema refuses never reach the usage command
  );
  assert.equal(await countRated(prefix), valid.length);

  const dead = await log.read(dlqTopicOf(topic), 0, 0, { max: 100 });
  assert.equal(dead.length, 3);
  const byCode = new Map(dead.map((r) => [r.headers['dlq-code'], r]));
  assert.equal(byCode.get('MALFORMED_CDR')?.value, '{truncated');
  assert.equal(byCode.get('INVALID_CDR')?.headers['dlq-field'], '/quantity');
  const unknown = [...byCode.keys()].find((c) => c !== 'MALFORMED_CDR' && c !== 'INVALID_CDR');
  assert.ok(unknown, `the usage command's own refusal code: ${[...byCode.keys()].join(', ')}`);
  for (const record of dead) {
    assert.equal(record.headers['dlq-reason'], 'invalid');
    assert.ok((record.headers['dlq-error'] ?? '').length > 0);
    assert.match(record.headers['dlq-source'] ?? '', new RegExp(`^${topic}/\\d+/\\d+$`));
  }

  const text = await registry.metrics();
  const outcome = (name: string) =>
    Number(new RegExp(`bss_mediation_records_total\\{outcome="${name}"\\} (\\d+)`).exec(text)?.[1]);
  assert.equal(outcome('rated'), valid.length);
  assert.equal(outcome('duplicate'), duplicates.length);
  assert.equal(outcome('invalid'), 3);
  assert.equal(outcome('rejected'), 0);
});

test('a failing ingest is retried with nothing committed or dropped, then the batch goes through once', async () => {
  const topic = `feed-${randomUUID()}`;
  await log.ensureTopic(topic, { partitions: 1 });
  const prefix = `u-${randomUUID()}`;
  await log.append(
    topic,
    Array.from({ length: 50 }, (_, i) => cdrRecord(cdr(`${prefix}-${i}`))),
  );
  const registry = new Registry();
  const { usage, calls } = observed(4);
  const consumer = await start(topic, usage, registry);
  try {
    await waitFor('the feed drained', async () => (await lagOf(topic)) === 0, 30_000);
  } finally {
    await consumer.stop();
  }
  assert.deepEqual(calls, [50], 'the four failed calls ingested nothing; the fifth took the whole batch');
  assert.equal(await countRated(prefix), 50);
  assert.match(await registry.metrics(), /bss_consumer_retries_total\{group="[^"]+"\} 4/);
  assert.equal((await log.read(dlqTopicOf(topic), 0, 0)).length, 0, 'a transient failure dead-letters nothing');
});

test('a stopped consumer commits nothing of a batch still failing, and a new member redelivers it', async () => {
  const topic = `feed-${randomUUID()}`;
  await log.ensureTopic(topic, { partitions: 1 });
  const prefix = `u-${randomUUID()}`;
  await log.append(topic, [cdrRecord(cdr(`${prefix}-0`))]);
  const down = observed(Number.MAX_SAFE_INTEGER);
  const first = await start(topic, down.usage);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await first.stop();
  assert.equal(await lagOf(topic), 1, 'nothing committed while the database was down');
  const up = observed();
  const second = await start(topic, up.usage);
  try {
    await waitFor('the feed drained', async () => (await lagOf(topic)) === 0, 30_000);
  } finally {
    await second.stop();
  }
  assert.equal(await countRated(prefix), 1);
});

test('a dead-letter topic briefly failing is retried: the refusal lands there and the feed goes on', async () => {
  const topic = `feed-${randomUUID()}`;
  await log.ensureTopic(topic, { partitions: 1 });
  const prefix = `u-${randomUUID()}`;
  await log.append(topic, [{ key: 'x', value: 'not json' }, cdrRecord(cdr(`${prefix}-0`))]);
  let failing = 2;
  const flaky: EventLog = {
    ...log,
    append: async (to, records) => {
      if (to === dlqTopicOf(topic) && failing-- > 0) throw new Error('broker unavailable (test)');
      return log.append(to, records);
    },
  };
  const consumer = await start(topic, observed().usage, new Registry(), flaky);
  try {
    await waitFor('the feed drained', async () => (await lagOf(topic)) === 0, 30_000);
  } finally {
    await consumer.stop();
  }
  assert.equal(failing, -1, 'two failed appends, then one that went through');
  assert.equal((await log.read(dlqTopicOf(topic), 0, 0)).length, 1);
  assert.equal(await countRated(prefix), 1);
});

test('refusalsOf: only invalid results, with their code, field and message; a miscounted answer is an error', () => {
  const record = { topic: 't', partition: 0, offset: 7, key: 'k', value: '{}', timestamp: 0, headers: {} };
  const items = [
    { record, cdr: cdr('a') },
    { record: { ...record, offset: 8 }, cdr: cdr('b') },
  ];
  const refused = refusalsOf(items, [
    { recordId: 'a', status: 'RATED' },
    { recordId: 'b', status: 'INVALID', reason: { code: 'NOT_FOUND', message: 'no such subscription', field: 'x' } },
  ]);
  assert.deepEqual(refused, [
    {
      record: { ...record, offset: 8 },
      reason: 'no such subscription',
      headers: { 'dlq-code': 'NOT_FOUND', 'dlq-field': 'x' },
    },
  ]);
  assert.throws(() => refusalsOf(items, []), /0 results for 2 CDRs/);
});
