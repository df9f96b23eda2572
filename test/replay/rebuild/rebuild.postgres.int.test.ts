// Read-model rebuild on a real PostgreSQL server while commands keep committing, with the database
// log (read model + log in one transaction) and in Kafka mode (read model + outbox in one
// transaction, a relay publishing to a real Kafka broker): afterwards the live read model still equals
// a fold of the whole log, so nothing committed during the rebuild is lost or doubled by the swap.
import { after, before, describe, test } from 'node:test';
import { createDatabaseEventLog } from '../../../src/log/database/database-event-log.ts';
import type { EventLog } from '../../../src/log/event-log.ts';
import { createKafkaEventLog } from '../../../src/log/kafka/kafka-event-log.ts';
import { createOutboxSink } from '../../../src/log/outbox/outbox-sink.ts';
import { startOutboxRelay, type Relay } from '../../../src/log/outbox/relay.ts';
import { outboxSettler } from '../../../src/log/outbox/settle.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createPostgresDb } from '../../../src/store/postgres-db.ts';
import { migrate } from '../../../src/store/migrate.ts';
import type { Db } from '../../../src/store/db.ts';
import { requireEnv, uniqueName } from '../../support/env.ts';
import { deleteTopicsWithPrefix } from '../../support/kafka-topics.ts';
import { databaseLogSink, rebuildWhileWriting } from './rebuild-while-writing.ts';

async function postgres(): Promise<{ db: Db; drop(): Promise<void> }> {
  const schema = uniqueName('replay_rebuild');
  const db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL'), schema });
  await migrate(db);
  return {
    db,
    async drop() {
      await db.query(`DROP SCHEMA ${schema} CASCADE`);
      await db.close();
    },
  };
}

describe('database log', () => {
  let pg: Awaited<ReturnType<typeof postgres>>;
  let log: EventLog;
  const topic = 'replay-rebuild';
  before(async () => {
    pg = await postgres();
    log = createDatabaseEventLog(pg.db);
    await log.ensureTopic(topic, { partitions: 3 });
  });
  after(async () => {
    await log.close();
    await pg.drop();
  });

  test('commands committing during a rebuild are neither lost nor doubled by the swap', async () => {
    await rebuildWhileWriting({ db: pg.db, log, topic, sink: databaseLogSink }, 'pg');
  });
});

describe('Kafka mode (outbox + relay)', () => {
  let pg: Awaited<ReturnType<typeof postgres>>;
  let log: EventLog;
  let relay: Relay;
  const brokers = requireEnv('BSS_KAFKA_BROKERS');
  const topic = uniqueName('replay-rebuild').replaceAll('_', '-');
  before(async () => {
    pg = await postgres();
    log = createKafkaEventLog({ brokers: brokers.split(','), clientId: uniqueName('rebuild') });
    await log.ensureTopic(topic, { partitions: 3 });
    relay = await startOutboxRelay({ db: pg.db, log, logger: createLogger('silent') });
  });
  after(async () => {
    await relay.stop();
    await log.close();
    await pg.drop();
    // Its run id makes the topic's name a prefix no other topic has.
    await deleteTopicsWithPrefix(brokers, topic);
  });

  test('events still in the outbox when the swap locks are folded in, not lost', async () => {
    await rebuildWhileWriting(
      {
        db: pg.db,
        log,
        topic,
        sink: createOutboxSink(),
        settle: outboxSettler({ db: pg.db, drain: relay.drain }),
        published: relay.drain,
      },
      'kafka',
    );
  });
});
