// In database-log mode the log is the outbox: read-model change and events commit or roll back together.
import type { Queryable } from '../../store/db.ts';
import type { AppendRecord, RecordPosition } from '../event-log.ts';
import { partitionFor } from '../partitioner.ts';
import { partitionCount } from './topics.ts';
import { allInOrder } from '../../store/all-in-order.ts';

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
  // Delivered only on commit; sent with the first statement, so it adds no round trip.
  const notified =
    (options.notify ?? true) ? tx.query('SELECT pg_notify($1, $2)', [EVENT_LOG_CHANNEL, topic]) : undefined;
  const [partitions] = await allInOrder([partitionCount(tx, topic), notified]);
  const byPartition = partitionsOf(records, partitions);
  const wanted = [...byPartition.keys()].sort((a, b) => a - b);
  // One statement locks every partition the records go to, in ascending order as every appender does.
  const { rows } = await tx.query<PartitionHead & { partition: number }>(
    `SELECT partition, next_offset, last_ts FROM event_log_partitions
      WHERE topic = $1 AND partition = ANY($2::int[]) ORDER BY partition FOR UPDATE`,
    [topic, wanted],
  );
  const heads = new Map(rows.map((row) => [row.partition, row]));
  const batch = newBatch();
  const positions: RecordPosition[] = new Array<RecordPosition>(records.length);
  const now = Date.now();
  for (const partition of wanted) {
    const head = heads.get(partition);
    if (!head) throw new Error(`topic ${topic} has no partition ${partition}`);
    let offset = Number(head.next_offset);
    let ts = Number(head.last_ts);
    for (const index of byPartition.get(partition) ?? []) {
      const record = records[index] as AppendRecord;
      // Non-decreasing per partition, so offsetForTime can use the time index.
      ts = Math.max(ts, record.timestamp ?? now);
      batch.add(partition, offset, ts, record);
      positions[index] = { partition, offset };
      offset += 1;
    }
    batch.head(partition, offset, ts);
  }
  await tx.query(
    `WITH appended AS (
       INSERT INTO event_log (topic, partition, "offset", ts, key, value, headers, type, source)
       SELECT $1, r.p, r.o, r.t, r.k, r.v, r.h, r.y, r.s
         FROM unnest($2::int[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::jsonb[], $8::text[], $9::text[])
           AS r(p, o, t, k, v, h, y, s)
     )
     UPDATE event_log_partitions AS p SET next_offset = u.n, last_ts = u.l
       FROM unnest($10::int[], $11::bigint[], $12::bigint[]) AS u(p, n, l)
      WHERE p.topic = $1 AND p.partition = u.p`,
    [topic, ...batch.columns()],
  );
  return positions;
}

/** partition → indexes into records, in order. */
function partitionsOf(records: readonly AppendRecord[], partitions: number): Map<number, number[]> {
  const byPartition = new Map<number, number[]>();
  records.forEach((record, index) => {
    if (record.timestamp !== undefined && !(Number.isSafeInteger(record.timestamp) && record.timestamp >= 0)) {
      throw new RangeError(`a record timestamp is whole milliseconds since the epoch, got ${record.timestamp}`);
    }
    const partition = partitionFor(record.key, partitions);
    const list = byPartition.get(partition);
    if (list) list.push(index);
    else byPartition.set(partition, [index]);
  });
  return byPartition;
}

/** The statement's parameter arrays: records column by column, then each partition's new head. */
function newBatch() {
  const records = { p: [] as number[], o: [] as number[], t: [] as number[], k: [] as string[], v: [] as string[] };
  const more = { h: [] as string[], y: [] as (string | null)[], s: [] as (string | null)[] };
  const heads = { p: [] as number[], n: [] as number[], l: [] as number[] };
  return {
    add(partition: number, offset: number, ts: number, record: AppendRecord) {
      records.p.push(partition);
      records.o.push(offset);
      records.t.push(ts);
      records.k.push(record.key);
      records.v.push(record.value);
      more.h.push(JSON.stringify(record.headers ?? {}));
      more.y.push(record.headers?.['ce_type'] ?? null);
      more.s.push(record.headers?.['ce_source'] ?? null);
    },
    head(partition: number, next: number, lastTs: number) {
      heads.p.push(partition);
      heads.n.push(next);
      heads.l.push(lastTs);
    },
    columns: () => [
      records.p,
      records.o,
      records.t,
      records.k,
      records.v,
      more.h,
      more.y,
      more.s,
      heads.p,
      heads.n,
      heads.l,
    ],
  };
}
