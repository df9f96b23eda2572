// A relay in its own process, so a test can SIGKILL it at a chosen moment of a publish round.
//   node relay-process.ts <schema> <crash-before-publish|crash-after-publish|drain>
import { createPostgresDb } from '../../src/store/postgres-db.ts';
import { createKafkaEventLog } from '../../src/log/kafka/kafka-event-log.ts';
import { startOutboxRelay } from '../../src/log/outbox/relay.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { requireEnv } from './env.ts';

const [schema = '', mode = 'drain'] = process.argv.slice(2);
const die = () => process.kill(process.pid, 'SIGKILL');
const db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL'), schema });
const log = createKafkaEventLog({ brokers: requireEnv('BSS_KAFKA_BROKERS').split(','), clientId: 'relay-test' });
const relay = await startOutboxRelay({
  db,
  log,
  logger: createLogger('silent'),
  batchSize: 40,
  faults: {
    ...(mode === 'crash-before-publish' ? { beforePublish: die } : {}),
    ...(mode === 'crash-after-publish' ? { afterPublish: die } : {}),
  },
});
await relay.drain();
await relay.stop();
await log.close();
await db.close();
