// The outbox relay alone: N committed outbox rows (real BSS events, as commands write them) drained
// to Kafka by startOutboxRelay, timed, with the CPU of this process (the relay) and of PostgreSQL.
// --relay runs another checkout's relay.ts, so two versions are compared back to back on the same rows.
//
//   node bench/outbox.bench.ts --rows 100000 [--batch 10000] [--compression zstd|lz4|snappy|gzip|none]
//     [--relay /tmp/wt-base/src/log/outbox/relay.ts]
import { parseArgs } from 'node:util';
import type { KafkaCompression } from '../src/config.ts';
import { createPostgresDb } from '../src/store/postgres-db.ts';
import { migrate } from '../src/store/migrate.ts';
import { createKafkaEventLog } from '../src/log/kafka/kafka-event-log.ts';
import { createOutboxSink } from '../src/log/outbox/outbox-sink.ts';
import { createLogger } from '../src/observability/logger.ts';
import type { startOutboxRelay as StartRelay } from '../src/log/outbox/relay.ts';
import { bssEvents } from './lib/bss-events.ts';
import { startCpu } from './lib/cpu.ts';
import { requireEnv, servicePid, uniqueName } from './lib/machine.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    batch: { type: 'string' },
    compression: { type: 'string' },
    relay: { type: 'string', default: new URL('../src/log/outbox/relay.ts', import.meta.url).pathname },
  },
});
const rows = Number(values.rows);
const { startOutboxRelay } = (await import(values.relay)) as { startOutboxRelay: typeof StartRelay };

const schema = uniqueName('bench_outbox').replaceAll('-', '_');
const topic = uniqueName('bench-outbox').replaceAll('_', '-');
const db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL'), schema });
const log = createKafkaEventLog({
  brokers: requireEnv('BSS_KAFKA_BROKERS').split(','),
  clientId: 'bench-outbox',
  ...(values.compression ? { compression: values.compression as KafkaCompression } : {}),
});
try {
  await migrate(db);
  await log.ensureTopic(topic, { partitions: 12 });
  // Committed in transactions of 1,000 rows, as usage batches are.
  const source = bssEvents({ customers: 300, zipf: 1 });
  const sink = createOutboxSink();
  for (let done = 0; done < rows; done += 1000) {
    const records = source.take(Math.min(1000, rows - done));
    await db.transaction((tx) => sink.appendWithin(tx, topic, records));
  }
  await db.query('VACUUM ANALYZE outbox');

  // PostgreSQL's share is measured only when scripts/services.sh started it (its pid file).
  const postgres = servicePid('postgres') ?? process.pid;
  const cpu = startCpu({ relay: { pid: process.pid }, pg: { pid: postgres, withChildren: true } });
  const started = performance.now();
  const relay = await startOutboxRelay({
    db,
    log,
    logger: createLogger('silent'),
    ...(values.batch ? { batchSize: Number(values.batch) } : {}),
    pollMs: 60_000,
  });
  // The relay's own loop drains too (drain() calls are serialised with it): wait for an empty outbox.
  const unpublished = async () =>
    Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL')).rows[0]?.n);
  do await relay.drain();
  while ((await unpublished()) > 0);
  const seconds = (performance.now() - started) / 1000;
  const shares = cpu();
  await relay.stop();
  const inKafka = (await log.offsets(topic)).reduce((sum, o) => sum + o.end, 0);
  console.log(
    JSON.stringify({
      relay: values.relay,
      rows,
      batch: values.batch ?? 'default',
      compression: values.compression ?? 'default',
      seconds: Number(seconds.toFixed(2)),
      eventsPerSecond: Math.round(rows / seconds),
      inKafka,
      cpuPercent: shares,
    }),
  );
} finally {
  await log.close();
  await db.query(`DROP SCHEMA ${schema} CASCADE`);
  await db.close();
}
