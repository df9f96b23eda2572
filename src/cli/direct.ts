// No consumers, cache or relay, so nothing is left behind; key audit events go through a service's sink.
import { resolve } from 'node:path';
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { createPgliteDb } from '../store/pglite-db.ts';
import { createPostgresDb } from '../store/postgres-db.ts';
import { lockDataDir } from '../store/data-dir-lock.ts';
import { migrate } from '../store/migrate.ts';
import { BssError } from '../errors.ts';
import type { EventSink } from '../log/event-sink.ts';
import { createOutboxSink } from '../log/outbox/outbox-sink.ts';
import { appendWithin } from '../log/database/append.ts';
import { ensureTopic } from '../log/database/topics.ts';
import { AUDIT_TOPIC } from '../events/catalog.ts';

export class DataDirBusyError extends Error {}

export interface Direct {
  readonly db: Db;
  readonly sink: EventSink;
  readonly auditTopic: string;
  readonly applied: readonly string[];
}

export interface DirectOptions {
  readonly onMigration?: (done: number, total: number, version: string) => void;
}

async function open(config: Config): Promise<{ db: Db; release: () => Promise<void> }> {
  if (config.databaseUrl) {
    const db = await createPostgresDb({
      url: config.databaseUrl,
      ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
    });
    return { db, release: async () => {} };
  }
  let lock;
  try {
    lock = await lockDataDir(config.dataDir);
  } catch (error) {
    if (error instanceof BssError && error.code === 'DATA_DIR_LOCKED') throw new DataDirBusyError(error.message);
    throw error;
  }
  try {
    return { db: await createPgliteDb(resolve(config.dataDir, 'pglite')), release: lock.release };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

export async function withDatabase<T>(
  config: Config,
  fn: (direct: Direct) => Promise<T>,
  options: DirectOptions = {},
): Promise<T> {
  const { db, release } = await open(config);
  try {
    const applied = await migrate(db, options.onMigration);
    const auditTopic = config.topicPrefix + AUDIT_TOPIC;
    let sink: EventSink;
    if (config.kafkaBrokers) sink = createOutboxSink();
    else {
      await ensureTopic(db, auditTopic, { partitions: 1 });
      sink = { appendWithin: async (tx, topic, records) => void (await appendWithin(tx, topic, records)) };
    }
    return await fn({ db, sink, auditTopic, applied });
  } finally {
    await db.close();
    await release();
  }
}
