// The transactional outbox in Kafka mode, against real PostgreSQL and Kafka: a relay killed with
// SIGKILL before or after publishing loses nothing, and a consumer that dedupes by event id applies
// every event exactly once. kcat then reads the topic and every record is a valid CloudEvent.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createPostgresDb } from '../../../src/store/postgres-db.ts';
import { migrate } from '../../../src/store/migrate.ts';
import { createKafkaEventLog } from '../../../src/log/kafka/kafka-event-log.ts';
import { createOutboxSink } from '../../../src/log/outbox/outbox-sink.ts';
import { startConsumer } from '../../../src/log/consumer-runner.ts';
import { applyOnce } from '../../../src/log/apply-once.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { validateTopic } from '../../../scripts/kcat-validate.ts';
import { requireEnv, uniqueName } from '../../support/env.ts';
import { deleteTopicsWithPrefix } from '../../support/kafka-topics.ts';
import { codec, customerCreated } from '../../support/events.ts';
import { waitFor } from '../../support/wait.ts';

const RELAY = fileURLToPath(new URL('../../support/relay-process.ts', import.meta.url));

async function runRelay(schema: string, mode: string): Promise<{ code: number | null; signal: string | null }> {
  const child = spawn(process.execPath, [RELAY, schema, mode], { stdio: ['ignore', 'inherit', 'inherit'] });
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  return { code, signal };
}

test('a relay SIGKILLed before or after publishing loses nothing; consumers apply each event once', async () => {
  const url = requireEnv('BSS_DATABASE_URL');
  const brokers = requireEnv('BSS_KAFKA_BROKERS');
  const schema = uniqueName('outbox');
  const topic = uniqueName('outbox-events').replaceAll('_', '-');
  const db = await createPostgresDb({ url, schema });
  const log = createKafkaEventLog({ brokers: brokers.split(','), clientId: 'outbox-test' });
  after(async () => {
    await log.close();
    await db.query(`DROP SCHEMA ${schema} CASCADE`);
    await db.close();
    // Its run id makes the topic's name a prefix no other topic has.
    await deleteTopicsWithPrefix(brokers, topic);
  });
  await migrate(db);
  await log.ensureTopic(topic, { partitions: 4 });

  // 120 events committed in 12 command-like transactions, each with a read-model write beside it.
  await db.query('CREATE TABLE effects (event_id text PRIMARY KEY, customer_id text NOT NULL)');
  await db.query('CREATE TABLE commands_done (n int)');
  const sink = createOutboxSink();
  const expected = new Set<string>();
  for (let t = 0; t < 12; t++) {
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO commands_done VALUES ($1)', [t]);
      const events = Array.from({ length: 10 }, (_, i) => customerCreated(`cus-${t}-${i}`));
      events.forEach((e) => expected.add(e.id));
      await sink.appendWithin(
        tx,
        topic,
        events.map((e) => codec.toRecord(e)),
      );
    });
  }
  const unpublished = async () =>
    Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL')).rows[0]?.n);
  const inKafka = async () => (await log.offsets(topic)).reduce((sum, o) => sum + o.end, 0);

  // Killed after commit, before publish: nothing reached Kafka, everything still waits in the outbox.
  assert.deepEqual(await runRelay(schema, 'crash-before-publish'), { code: null, signal: 'SIGKILL' });
  assert.equal(await inKafka(), 0);
  assert.equal(await unpublished(), 120);

  // Killed after Kafka acknowledged a round (40 rows), before marking it: those rows will go again.
  assert.deepEqual(await runRelay(schema, 'crash-after-publish'), { code: null, signal: 'SIGKILL' });
  assert.equal(await inKafka(), 40);
  assert.equal(await unpublished(), 120);

  // A healthy relay publishes everything (the 40 a second time: at-least-once).
  assert.deepEqual(await runRelay(schema, 'drain'), { code: 0, signal: null });
  assert.equal(await unpublished(), 0);
  assert.equal(await inKafka(), 160);

  // A consumer that dedupes by event id applies each of the 120 events exactly once.
  const group = uniqueName('outbox-group');
  const consumer = await startConsumer({
    log,
    codec,
    topic,
    group,
    logger: createLogger('silent'),
    handler: {
      name: 'effects',
      replaySafe: true,
      handle: (events) =>
        applyOnce(db, group, events, async (tx, fresh) => {
          for (const e of fresh)
            await tx.query('INSERT INTO effects VALUES ($1, $2)', [e.event.id, e.domainEvent.data.customerId]);
        }),
    },
  });
  try {
    await waitFor('all 160 records consumed and committed', async () => {
      const committed = await log.committed(group, topic);
      return (await log.offsets(topic)).every((o) => committed.get(o.partition) === o.end);
    });
  } finally {
    await consumer.stop();
  }
  const { rows } = await db.query<{ event_id: string }>('SELECT event_id FROM effects');
  assert.equal(rows.length, 120, 'each event applied once, duplicates skipped');
  assert.deepEqual(new Set(rows.map((r) => r.event_id)), expected);

  // Every record in the topic, read by kcat from the real broker, is a valid CloudEvent.
  const report = validateTopic(topic, brokers);
  assert.equal(report.records, 160);
  assert.deepEqual(report.invalid, []);
});
