// The console bench's big log: `events` valid events (bench/replay/workload.ts, a month of per-customer
// histories over 20,000 customers) appended to a database event log in batches of 500, four appenders
// at a time. A log that already holds them (a kept schema or data directory) is reused as it is.
import type { AppendRecord } from '../../src/log/event-log.ts';
import { createDatabaseEventLog } from '../../src/log/database/database-event-log.ts';
import { partitionFor } from '../../src/log/partitioner.ts';
import type { Db } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { customerHistories } from '../replay/workload.ts';

const MONTH_MS = 30 * 86_400_000;

export interface Filled {
  /** Append time; 0 when the log was reused. */
  readonly ms: number;
  /** Migrations this run applied to a reused log (e.g. 041's backfill of the type column), with times. */
  readonly migrated: readonly string[];
  readonly migrateMs: number;
  /** VACUUM ANALYZE of event_log after those migrations (index-only scans need the visibility map). */
  readonly vacuumMs: number;
  /** The busiest customer (Zipf rank 0). */
  readonly customer: string;
}

export async function fillLog(db: Db, events: number, partitions: number): Promise<Filled> {
  const migrating = performance.now();
  const migrated = await migrate(db);
  const migrateMs = performance.now() - migrating;
  const vacuuming = performance.now();
  if (migrated.length > 0) await db.query('VACUUM ANALYZE event_log');
  const upgraded = { migrated, migrateMs, vacuumMs: performance.now() - vacuuming };
  const log = createDatabaseEventLog(db);
  try {
    await log.ensureTopic('bss.events', { partitions, retentionMs: -1 });
    const source = customerHistories({ customers: 20_000, events, startMs: Date.now() - MONTH_MS, spanMs: MONTH_MS });
    const customer = source.customerAt(0);
    const held = (await log.offsets('bss.events')).reduce((sum, p) => sum + p.end, 0);
    if (held === events) return { ms: 0, customer, ...upgraded };
    if (held !== 0) throw new Error(`the log holds ${held} events, not 0 or ${events}: use a fresh schema`);
    const started = performance.now();
    for (let chunk = source.take(40_000); chunk.length > 0; chunk = source.take(40_000)) {
      const groups: AppendRecord[][] = Array.from({ length: 4 }, () => []);
      for (const record of chunk) groups[partitionFor(record.key, partitions) % 4]!.push(record);
      await Promise.all(
        groups.map(async (group) => {
          for (let i = 0; i < group.length; i += 500) await log.append('bss.events', group.slice(i, i + 500));
        }),
      );
    }
    const ms = performance.now() - started;
    // A fresh log: analysed like the kept one after its migration, so both plan alike.
    await db.query('VACUUM ANALYZE event_log');
    return { ms, customer, ...upgraded };
  } finally {
    await log.close();
  }
}
