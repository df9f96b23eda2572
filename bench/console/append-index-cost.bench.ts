// What the type and key indexes of migration 041 cost the database log's append: the same records
// appended in batches of 500 (one appender, like the group commit) into two fresh PostgreSQL schemas in
// one run, one migrated as shipped and one with event_log_by_type and event_log_by_key dropped,
// alternating rounds so both see the same machine.
//
//   node bench/console/append-index-cost.bench.ts [--events 100000] [--rounds 3] [--db postgres|pglite]
//
// Prints ev/s per schema and round and the ratio; the figures go in bench/results/CONSOLE.md by hand.
import { parseArgs } from 'node:util';
import { createPostgresDb } from '../../src/store/postgres-db.ts';
import { createPgliteDb } from '../../src/store/pglite-db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { createDatabaseEventLog } from '../../src/log/database/database-event-log.ts';
import { customerHistories } from '../replay/workload.ts';
import { requireEnv, uniqueName } from '../lib/machine.ts';
import { waitForQuiet } from '../lib/cpu.ts';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    db: { type: 'string', default: 'postgres' },
  },
});
const EVENTS = Number(args.events);
const pglite = args.db === 'pglite';
const url = pglite ? '' : requireEnv('BSS_DATABASE_URL');
const MONTH_MS = 30 * 86_400_000;

async function openLog(indexed: boolean) {
  const schema = uniqueName(indexed ? 'bench_idx' : 'bench_noidx').replaceAll('-', '_');
  const db = pglite ? await createPgliteDb(undefined) : await createPostgresDb({ url, schema, maxConnections: 4 });
  await migrate(db);
  if (!indexed) for (const index of ['event_log_by_type', 'event_log_by_key']) await db.query(`DROP INDEX ${index}`);
  const log = createDatabaseEventLog(db, { notify: false });
  await log.ensureTopic('bss.events', { partitions: 12, retentionMs: -1 });
  return { schema, db, log };
}

const logs = [await openLog(true), await openLog(false)];
const results: Record<string, number[]> = { indexed: [], 'without the two indexes': [] };
try {
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const [i, { log }] of logs.entries()) {
      const source = customerHistories({
        customers: 5_000,
        events: EVENTS,
        startMs: Date.now() - MONTH_MS,
        spanMs: MONTH_MS,
        seed: round + 1,
      });
      const records = source.take(EVENTS);
      const busy = await waitForQuiet(25, 15_000);
      const started = performance.now();
      for (let k = 0; k < records.length; k += 500) await log.append('bss.events', records.slice(k, k + 500));
      const rate = (records.length / (performance.now() - started)) * 1000;
      const name = i === 0 ? 'indexed' : 'without the two indexes';
      results[name]!.push(rate);
      console.log(`round ${round + 1} ${name.padEnd(24)} ${Math.round(rate)} ev/s (busy before ${Math.round(busy)} %)`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const [a, b] = [median(results.indexed!), median(results['without the two indexes']!)];
  console.log(`median: indexed ${Math.round(a)} ev/s, without ${Math.round(b)} ev/s, ratio ${(a / b).toFixed(2)}`);
} finally {
  for (const { schema, db, log } of logs) {
    await log.close();
    if (!pglite) await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.close();
  }
}
