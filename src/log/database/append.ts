// In database-log mode the log is the outbox: read-model change and events commit or roll back together.
import type { Queryable } from '../../store/db.ts';
import type { AppendRecord, RecordPosition } from '../event-log.ts';
import { partitionFor } from '../partitioner.ts';
import { partitionCount } from './topics.ts';

export const EVENT_LOG_CHANNEL = 'bss_event_log';

export interface AppendWithinOptions {
  /** PostgreSQL serialises notifying commits, so write-heavy deployments may turn this off and poll. */
  readonly notify?: boolean;
}

interface PartitionHead {
  next_offset: number | string;
  last_ts: number | string;
}

/** Partition rows stay locked until commit: call once per transaction, late, or lock orders may deadlock. */
export async function appendWithin(
  tx: Queryable,
  topic: string,
  records: readonly AppendRecord[],
  options: AppendWithinOptions = {},
): Promise<RecordPosition[]> {
  if (records.length === 0) return [];
  const partitions = await partitionCount(tx, topic);
  const now = Date.now();
  const byPartition = new Map<number, number[]>(); // partition → indexes into records, in order
  records.forEach((record, index) => {
    if (record.timestamp !== undefined && !(Number.isSafeInteger(record.timestamp) && record.timestamp >= 0)) {
      throw new RangeError(`a record timestamp is whole milliseconds since the epoch, got ${record.timestamp}`);
    }
    const partition = partitionFor(record.key, partitions);
    byPartition.set(partition, [...(byPartition.get(partition) ?? []), index]);
  });

  // Delivered only on commit; sent before the partition locks so it adds nothing to their hold time.
  if (options.notify ?? true) await tx.query('SELECT pg_notify($1, $2)', [EVENT_LOG_CHANNEL, topic]);

  const positions: RecordPosition[] = new Array<RecordPosition>(records.length);
  // Ascending partition order: appenders lock shared partitions in the same order.
  for (const partition of [...byPartition.keys()].sort((a, b) => a - b)) {
    const indexes = byPartition.get(partition) ?? [];
    const { rows } = await tx.query<PartitionHead>(
      'SELECT next_offset, last_ts FROM event_log_partitions WHERE topic = $1 AND partition = $2 FOR UPDATE',
      [topic, partition],
    );
    const head = rows[0];
    if (!head) throw new Error(`topic ${topic} has no partition ${partition}`);
    let offset = Number(head.next_offset);
    let ts = Number(head.last_ts);
    const offsets: number[] = [];
    const stamps: number[] = [];
    const keys: string[] = [];
    const values: string[] = [];
    const headers: string[] = [];
    const types: (string | null)[] = [];
    const sources: (string | null)[] = [];
    for (const index of indexes) {
      const record = records[index] as AppendRecord;
      // Non-decreasing per partition, so offsetForTime can use the time index.
      ts = Math.max(ts, record.timestamp ?? now);
      offsets.push(offset);
      stamps.push(ts);
      keys.push(record.key);
      values.push(record.value);
      headers.push(JSON.stringify(record.headers ?? {}));
      types.push(record.headers?.['ce_type'] ?? null);
      sources.push(record.headers?.['ce_source'] ?? null);
      positions[index] = { partition, offset };
      offset += 1;
    }
    await tx.query(
      `WITH appended AS (
         INSERT INTO event_log (topic, partition, "offset", ts, key, value, headers, type, source)
         SELECT $1, $2, r.o, r.t, r.k, r.v, r.h, r.y, r.s
           FROM unnest($3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::jsonb[], $10::text[], $11::text[])
             AS r(o, t, k, v, h, y, s)
       )
       UPDATE event_log_partitions SET next_offset = $8, last_ts = $9 WHERE topic = $1 AND partition = $2`,
      [topic, partition, offsets, stamps, keys, values, headers, offset, ts, types, sources],
    );
  }
  return positions;
}
