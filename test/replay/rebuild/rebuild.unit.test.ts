// Read-model rebuild on the embedded database: the live read model is written the way the command
// bus writes it (unit of work + the log in one transaction); a rebuild from the log into shadow
// tables and the swap give the same rows, repair a damaged row, and keep versions moving forward.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { READ_MODELS } from '../../../src/application/read-model/tables.ts';
import { createUnitOfWork } from '../../../src/application/read-model/unit-of-work.ts';
import { appendWithin } from '../../../src/log/database/append.ts';
import { partitionFor } from '../../../src/log/partitioner.ts';
import { rebuildReadModels, reconstructSystem } from '../../../src/replay/index.ts';
import { appendWorkload, buildWorkload, codec, DAY, T0, toRecord } from '../workload.ts';
import { memoryWorld, type ReplayWorld } from '../fixture.ts';
import { databaseLogSink, rebuildWhileWriting } from './rebuild-while-writing.ts';

const workload = buildWorkload(5);
const TABLES = Object.values(READ_MODELS).map((m) => m.table);

describe('read-model rebuild', () => {
  let world: ReplayWorld;
  let topic: string;
  const rowsOf = async (table: string) =>
    (await world.db.query<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY id`)).rows.map(
      ({ seq: _seq, version: _version, ...rest }) => rest,
    );
  const versions = async (table: string) =>
    new Map(
      (await world.db.query<{ id: string; version: number }>(`SELECT id, version FROM ${table}`)).rows.map((r) => [
        r.id,
        r.version,
      ]),
    );

  before(async () => {
    world = await memoryWorld();
    topic = await world.newTopic(3);
    // Like the command bus: each customer's events of one day are one command.
    const commands = new Map<string, typeof workload.events>();
    for (const event of workload.events) {
      const key = `${event.data.customerId}:${event.data.at.slice(0, 10)}`;
      commands.set(key, [...(commands.get(key) ?? []), event]);
    }
    for (const events of commands.values()) {
      await world.db.transaction(async (tx) => {
        const uow = createUnitOfWork(tx);
        await uow.apply(events);
        await uow.flush();
        await appendWithin(
          tx,
          topic,
          events.map((e) => toRecord(e)),
        );
      });
    }
  });
  after(() => world.close());

  test('reconstruct(now) equals the live read model (the invariant of ARCHITECTURE.md)', async () => {
    const now = await reconstructSystem({ log: world.log, codec }, { topic });
    const state = async (table: string) =>
      new Map(
        (await world.db.query<{ id: string; state: unknown }>(`SELECT id, state FROM ${table}`)).rows.map((r) => [
          r.id,
          r.state,
        ]),
      );
    const [customers, orders, subscriptions, invoices, payments, balances] = await Promise.all(
      ['customers', 'orders', 'subscriptions', 'invoices', 'payments', 'balances'].map(state),
    );
    assert.equal(Object.keys(now.customers).length, workload.customers.length);
    for (const [id, view] of Object.entries(now.customers)) {
      assert.deepEqual(customers?.get(id), view.customer);
      assert.deepEqual(balances?.get(id), view.balance);
      for (const [rows, entries] of [
        [orders, view.orders],
        [subscriptions, view.subscriptions],
        [invoices, view.invoices],
        [payments, view.payments],
      ] as const) {
        for (const [entityId, entity] of Object.entries(entries)) assert.deepEqual(rows?.get(entityId), entity);
      }
    }
  });

  test('a rebuild of the whole log swaps in tables equal to the live ones, versions moved forward', async () => {
    const before = new Map(await Promise.all(TABLES.map(async (t) => [t, await rowsOf(t)] as const)));
    const beforeVersions = new Map(await Promise.all(TABLES.map(async (t) => [t, await versions(t)] as const)));
    const result = await rebuildReadModels({ db: world.db, log: world.log, codec, topic, models: READ_MODELS });
    assert.equal(result.swapped, true);
    assert.equal(result.events, workload.events.length);
    for (const table of TABLES) {
      assert.deepEqual(await rowsOf(table), before.get(table), table);
      for (const [id, version] of await versions(table)) {
        assert.ok(version > (beforeVersions.get(table)?.get(id) ?? 0), `${table} ${id}: version ${version}`);
      }
    }
    const { rows } = await world.db.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE '%\\_shadow'`,
    );
    assert.deepEqual(rows, [], 'no shadow table left');
  });

  test('a damaged read model is repaired by the rebuild', async () => {
    const before = await rowsOf('balances');
    await world.db.query(`UPDATE balances SET state = jsonb_set(state, '{balance}', '999999') WHERE id = 'cus-1'`);
    await world.db.query(`DELETE FROM orders WHERE id = 'ord-cus-2'`);
    await rebuildReadModels({ db: world.db, log: world.log, codec, topic, models: READ_MODELS });
    assert.deepEqual(await rowsOf('balances'), before);
    assert.equal((await world.db.query(`SELECT 1 FROM orders WHERE id = 'ord-cus-2'`)).rows.length, 1);
  });

  test('up to a time without swapping: shadow tables hold the fold at that time, live tables untouched', async () => {
    const live = await rowsOf('invoices');
    const result = await rebuildReadModels({
      db: world.db,
      log: world.log,
      codec,
      topic,
      models: READ_MODELS,
      until: T0 + 10 * DAY,
      swap: false,
    });
    assert.equal(result.swapped, false);
    assert.equal(result.rows['invoice'], 0, 'no invoice was issued by then');
    assert.equal(result.rows['customer'], workload.customers.length);
    assert.deepEqual(await rowsOf('invoices'), live);
    const { rows } = await world.db.query<{ state: { balance: number } }>(
      `SELECT state FROM balances_shadow WHERE id = 'cus-0'`,
    );
    assert.deepEqual(rows[0]?.state, workload.viewAt('cus-0', T0 + 10 * DAY).balance);
    for (const table of TABLES) await world.db.query(`DROP TABLE ${table}_shadow`);
  });

  test('up to a time with swap: true is refused naming the field (a past state never goes live)', async () => {
    const live = await rowsOf('payments');
    const request = { db: world.db, log: world.log, codec, topic, models: READ_MODELS, until: T0, swap: true };
    await assert.rejects(rebuildReadModels(request), (error: { status: number; errors: Array<{ field: string }> }) => {
      assert.equal(error.status, 400);
      assert.deepEqual(
        error.errors.map((e) => e.field),
        ['/body/swap'],
      );
      return true;
    });
    assert.deepEqual(await rowsOf('payments'), live);
  });

  test('a log that creates one id under two customers is refused (409), the live tables kept', async () => {
    // What an older version allowed: a rewound read model let the same paymentId be created again.
    const dup = await world.newTopic(3);
    const events = buildWorkload(4, 'dup').events;
    const customerIds = [...new Set(events.map((e) => e.data.customerId))];
    const a = customerIds[0] as string;
    const b = customerIds.find((id) => partitionFor(id, 3) !== partitionFor(a, 3)) as string;
    const again = events.flatMap((e) =>
      e.type === 'payment.authorized' && e.data.customerId === b
        ? [{ ...e, data: { ...e.data, paymentId: `pay-${a}` } }]
        : [],
    );
    await appendWorkload(world.log, dup, [...events, ...again]);
    const live = await rowsOf('payments');
    await assert.rejects(
      rebuildReadModels({ db: world.db, log: world.log, codec, topic: dup, models: READ_MODELS }),
      (error: { status: number; message: string }) => {
        assert.equal(error.status, 409);
        assert.match(error.message, new RegExp(`payment pay-${a} more than once`));
        return true;
      },
    );
    assert.deepEqual(await rowsOf('payments'), live);
  });
});

test('on the embedded database, commands committing during a rebuild are neither lost nor doubled', async () => {
  const world = await memoryWorld();
  try {
    const topic = await world.newTopic(3);
    await rebuildWhileWriting({ db: world.db, log: world.log, topic, sink: databaseLogSink }, 'lite');
  } finally {
    await world.close();
  }
});
