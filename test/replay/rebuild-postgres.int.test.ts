// Read-model rebuild on a real PostgreSQL server with the database log: commands keep committing
// (read model + log in one transaction) while the rebuild runs, and afterwards the live read model
// still equals a fold of the whole log: nothing committed during the rebuild is lost by the swap.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { READ_MODELS } from '../../src/application/read-model/tables.ts';
import { createUnitOfWork } from '../../src/application/read-model/unit-of-work.ts';
import { appendWithin } from '../../src/log/database/append.ts';
import { createDatabaseEventLog } from '../../src/log/database/database-event-log.ts';
import type { EventLog } from '../../src/log/event-log.ts';
import { createPostgresDb } from '../../src/store/postgres-db.ts';
import { migrate } from '../../src/store/migrate.ts';
import type { Db } from '../../src/store/db.ts';
import type { DomainEvent } from '../../src/domain/index.ts';
import { rebuildReadModels, reconstructSystem } from '../../src/replay/index.ts';
import { requireEnv, uniqueName } from '../support/env.ts';
import { buildWorkload, codec, toRecord } from './workload.ts';

const schema = uniqueName('replay_rebuild');
let db: Db;
let log: EventLog;
const topic = 'replay-rebuild';

before(async () => {
  db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL'), schema });
  await migrate(db);
  log = createDatabaseEventLog(db);
  await log.ensureTopic(topic, { partitions: 3 });
});
after(async () => {
  await log.close();
  await db.query(`DROP SCHEMA ${schema} CASCADE`);
  await db.close();
});

/** One command the way the command bus runs it: read model and log in one transaction. */
const command = (events: readonly DomainEvent[]) =>
  db.transaction(async (tx) => {
    const uow = createUnitOfWork(tx);
    await uow.apply(events);
    await uow.flush();
    await appendWithin(
      tx,
      topic,
      events.map((e) => toRecord(e)),
    );
  });

test('commands committing during a rebuild are neither lost nor doubled by the swap', async () => {
  const first = buildWorkload(6, 'old');
  for (const event of first.events) await command([event]);
  const later = buildWorkload(6, 'new');
  let writing = true;
  const writer = (async () => {
    let written = 0;
    for (const event of later.events) {
      await command([event]);
      written += 1;
      if (!writing && written > 20) break;
    }
    return written;
  })();
  const result = await rebuildReadModels({ db, log, codec, topic, models: READ_MODELS });
  writing = false;
  const written = await writer;
  assert.equal(result.swapped, true);
  assert.ok(written > 0);

  const now = await reconstructSystem({ log, codec }, { topic });
  const rows = new Map(
    (await db.query<{ id: string; state: unknown }>('SELECT id, state FROM balances')).rows.map((r) => [r.id, r.state]),
  );
  const customers = new Map(
    (await db.query<{ id: string; state: unknown }>('SELECT id, state FROM customers')).rows.map((r) => [
      r.id,
      r.state,
    ]),
  );
  assert.equal(rows.size, Object.keys(now.customers).length);
  for (const [id, view] of Object.entries(now.customers)) {
    assert.deepEqual(rows.get(id), view.balance, `balance of ${id}`);
    assert.deepEqual(customers.get(id), view.customer, `customer ${id}`);
  }
});
