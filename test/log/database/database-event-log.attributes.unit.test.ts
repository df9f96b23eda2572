// The database log's type and source columns (migration 041): appends fill them from the ce_type and
// ce_source headers the codec writes; records appended before the migration (no such headers) get them
// from the JSON by the migration's backfill, and then count like the others (PGlite).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPgliteDb } from '../../../src/store/pglite-db.ts';
import { loadMigrations, migrate, splitStatements } from '../../../src/store/migrate.ts';
import type { Db } from '../../../src/store/db.ts';
import { createDatabaseEventLog } from '../../../src/log/database/database-event-log.ts';
import type { EventLog } from '../../../src/log/event-log.ts';
import { sliceByTimeSpan } from '../../../src/replay/shared/records.ts';
import { buildWorkload, toRecord } from '../../replay/workload.ts';

let db: Db;
let log: EventLog;
const workload = buildWorkload(3);
const records = workload.events.map((e) => toRecord(e));
const typeOf = (i: number) => JSON.parse(records[i]!.value).type as string;
const window = { start: 0, end: Number.MAX_SAFE_INTEGER, bucketMs: Number.MAX_SAFE_INTEGER, buckets: 1 };

before(async () => {
  db = await createPgliteDb(undefined);
  await migrate(db);
  log = createDatabaseEventLog(db);
  await log.ensureTopic('attrs', { partitions: 2 });
  await log.ensureTopic('old', { partitions: 2 });
  for (const slice of sliceByTimeSpan(records)) await log.append('attrs', slice);
  // As before migration 041: the same records without the attribute headers.
  const old = records.map(({ headers, ...r }) => ({
    ...r,
    headers: { 'content-type': headers?.['content-type'] ?? '' },
  }));
  for (const slice of sliceByTimeSpan(old)) await log.append('old', slice);
  await log.append('old', [{ key: 'cus-1', value: 'not an event {"type":"x"}' }]);
});
after(async () => {
  await log.close();
  await db.close();
});

test('an append fills type and source from the headers; countByTime counts by them exactly', async () => {
  const type = typeOf(0);
  const expected = records.filter((_, i) => typeOf(i) === type).length;
  assert.deepEqual(await log.countByTime!('attrs', window, { types: [type] }), [expected]);
  assert.deepEqual(await log.countByTime!('attrs', window, { sources: ['/bss/test'] }), [records.length]);
});

test('the migration backfills records that had no headers from their JSON; other values stay null', async () => {
  const type = typeOf(0);
  const expected = records.filter((_, i) => typeOf(i) === type).length;
  assert.deepEqual(await log.countByTime!('old', window, { types: [type] }), [0], 'no headers, no type yet');
  const migration = (await loadMigrations()).find((m) => m.version === '041_event_log_attributes')!;
  for (const statement of splitStatements(migration.sql).filter((s) => /^\s*UPDATE/m.test(s.replace(/--.*$/gm, ''))))
    await db.query(statement);
  assert.deepEqual(await log.countByTime!('old', window, { types: [type] }), [expected]);
  assert.deepEqual(await log.countByTime!('old', window, { sources: ['/bss/test'] }), [records.length]);
  const { rows } = await db.query<{ type: string | null }>(
    "SELECT type FROM event_log WHERE topic = 'old' AND value LIKE 'not an event%'",
  );
  assert.deepEqual(rows, [{ type: null }]);
});
