import { notFound } from '../../errors.ts';
import type { Db, Queryable } from '../../store/db.ts';
import type { TopicSpec } from '../event-log.ts';

// Kafka's rule, so a topic that works here also works on Kafka.
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export async function ensureTopic(db: Db, topic: string, spec: TopicSpec): Promise<void> {
  if (!TOPIC_NAME.test(topic)) throw new RangeError(`invalid topic name: ${JSON.stringify(topic)}`);
  if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
    throw new RangeError(`a topic needs a whole number of partitions ≥ 1, got ${spec.partitions}`);
  }
  await db.transaction(async (tx) => {
    // A concurrent create waits on the primary key and skips the partitions, which the winner inserts.
    const created = await tx.query(
      `INSERT INTO event_log_topics (name, partitions, retention_ms) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO NOTHING RETURNING name`,
      [topic, spec.partitions, spec.retentionMs ?? -1],
    );
    if (created.rowCount === 0) return;
    await tx.query(
      `INSERT INTO event_log_partitions (topic, partition) SELECT $1, generate_series(0, $2::integer - 1)`,
      [topic, spec.partitions],
    );
  });
}

export async function listTopics(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>('SELECT name FROM event_log_topics ORDER BY name');
  return rows.map((r) => r.name);
}

export async function partitionCount(db: Queryable, topic: string): Promise<number> {
  const { rows } = await db.query<{ partitions: number }>('SELECT partitions FROM event_log_topics WHERE name = $1', [
    topic,
  ]);
  const row = rows[0];
  if (!row) throw notFound('topic', topic);
  return row.partitions;
}
