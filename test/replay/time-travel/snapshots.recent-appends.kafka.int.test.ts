// On the real Kafka broker: the snapshotter folds the records this process appended from memory instead of
// fetching them back, and still saves the snapshots a plain fold of the log gives.
import { after, before, test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { createKafkaEventLog } from '../../../src/log/kafka/kafka-event-log.ts';
import type { EventLog } from '../../../src/log/event-log.ts';
import { createPgliteDb } from '../../../src/store/pglite-db.ts';
import type { Db } from '../../../src/store/db.ts';
import { migrate } from '../../../src/store/migrate.ts';
import { requireEnv, uniqueName } from '../../support/env.ts';
import { snapshotterFromAppends } from '../snapshotter-from-appends.ts';

const brokers = requireEnv('BSS_KAFKA_BROKERS').split(',');
const topic = uniqueName('snapshots-recent').replaceAll('_', '-');
let log: EventLog;
let db: Db;
before(async () => {
  log = createKafkaEventLog({ brokers, clientId: uniqueName('snapshots-recent-test') });
  db = await createPgliteDb(undefined);
  await migrate(db);
});
after(async () => {
  await log.close();
  await db.close();
  const admin = new Admin({ clientId: 'bss-test-cleanup', bootstrapBrokers: brokers });
  await admin.deleteTopics({ topics: [topic] });
  await admin.close();
});

test('Kafka: the snapshotter folds what this process appended without fetching it back', async () => {
  await log.ensureTopic(topic, { partitions: 3 });
  await snapshotterFromAppends(db, log, topic);
});
