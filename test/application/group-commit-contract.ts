// Group commit, the same on every Db adapter: commands submitted together share one transaction, each
// keeps its own answer or refusal, one command's failure (a domain refusal, an error of its own, an SQL
// error that aborts the transaction) never fails the others nor commits their effects twice, and
// commands on one aggregate apply in order, each seeing the one before.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createCommandBus, EVENTS_TOPIC, type CommandBus } from '../../src/application/commands/command-bus.ts';
import { customerCommands } from '../../src/application/commands/customers.ts';
import { DomainRejection } from '../../src/domain/index.ts';
import { AppError } from '../../src/errors.ts';
import { createEventCodec } from '../../src/events/codec.ts';
import { EVENT_CATALOG } from '../../src/events/catalog.ts';
import { appendWithin } from '../../src/log/database/append.ts';
import { createDatabaseEventLog } from '../../src/log/database/database-event-log.ts';
import { migrate } from '../../src/store/migrate.ts';
import type { Db } from '../../src/store/db.ts';

export interface GroupWorld {
  readonly db: Db;
  close(): Promise<void>;
}

interface Harness {
  readonly bus: CommandBus;
  readonly customers: ReturnType<typeof customerCommands>;
  /** Transactions begun since the harness was built. */
  transactions(): number;
  eventsOf(customerId: string): Promise<string[]>;
}

async function harness(world: GroupWorld): Promise<Harness> {
  let begun = 0;
  const db: Db = {
    ...world.db,
    transaction: (fn) => {
      begun += 1;
      return world.db.transaction(fn);
    },
  };
  await migrate(db);
  const log = createDatabaseEventLog(db, { heartbeatMs: 100, sessionTimeoutMs: 1000, pollMs: 50 });
  await log.ensureTopic(EVENTS_TOPIC, { partitions: 2 });
  const bus = createCommandBus({
    db,
    codec: createEventCodec(EVENT_CATALOG),
    sink: { appendWithin: async (tx, topic, records) => void (await appendWithin(tx, topic, records)) },
  });
  let tick = 0;
  const clock = () => new Date(Date.UTC(2026, 0, 1) + tick++ * 1000).toISOString();
  return {
    bus,
    customers: customerCommands(bus, clock),
    transactions: () => begun,
    async eventsOf(customerId) {
      const { rows } = await db.query<{ type: string }>(
        `SELECT value::json->>'type' AS type FROM event_log WHERE key = $1 ORDER BY partition, "offset"`,
        [customerId],
      );
      return rows.map((r) => r.type);
    },
  };
}

const newCustomer = (customerId: string) => ({
  customerId,
  firstName: 'Jan',
  lastName: 'Nowak',
  email: `${customerId}@example.com`,
  phone: null,
  address: { line1: 'Rynek 1', line2: null, city: 'Kraków', postalCode: '31-001', country: 'PL' },
});

export function groupCommitContract(name: string, open: () => Promise<GroupWorld>): void {
  let world: GroupWorld;
  let h: Harness;
  before(async () => {
    world = await open();
    h = await harness(world);
  });
  after(() => world.close());

  test(`${name}: commands submitted together commit in one transaction, each with its own answer`, async () => {
    const existing = `cus_${randomUUID()}`;
    await h.customers.create(newCustomer(existing));
    const before = h.transactions();
    const ids = Array.from({ length: 5 }, () => `cus_${randomUUID()}`);
    const settled = await Promise.allSettled([
      ...ids.map((id) => h.customers.create(newCustomer(id))),
      h.customers.create(newCustomer(existing)), // refused by the domain: exists
      h.customers.updateContact(existing, { email: 'stale@example.com' }, 7), // stale If-Match
    ]);
    assert.equal(h.transactions() - before, 1, 'one transaction for the group');
    assert.deepEqual(
      settled.slice(0, 5).map((s) => s.status),
      ids.map(() => 'fulfilled'),
    );
    assert.ok(settled[5]?.status === 'rejected' && settled[5].reason instanceof DomainRejection);
    assert.ok(settled[6]?.status === 'rejected' && settled[6].reason instanceof AppError);
    for (const id of ids) assert.deepEqual(await h.eventsOf(id), ['com.droid.bss.customer.created.v1']);
    assert.deepEqual(await h.eventsOf(existing), ['com.droid.bss.customer.created.v1']);
  });

  test(`${name}: an SQL error in one command aborts nothing of the others, committed exactly once`, async () => {
    const ids = Array.from({ length: 4 }, () => `cus_${randomUUID()}`);
    // A NUL byte is refused by PostgreSQL: the group's transaction aborts and its commands run alone.
    const broken = h.bus.run(async (uow) => {
      await uow.load('customer', 'cus_\u0000');
      return { events: [], result: undefined };
    });
    const settled = await Promise.allSettled([
      ...ids.slice(0, 2).map((id) => h.customers.create(newCustomer(id))),
      broken,
      ...ids.slice(2).map((id) => h.customers.create(newCustomer(id))),
    ]);
    assert.deepEqual(
      settled.map((s) => s.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
    );
    for (const id of ids) assert.deepEqual(await h.eventsOf(id), ['com.droid.bss.customer.created.v1']);
  });

  test(`${name}: commands on one aggregate apply in order, each seeing the state and version before it`, async () => {
    const id = `cus_${randomUUID()}`;
    const before = h.transactions();
    const settled = await Promise.allSettled([
      h.customers.create(newCustomer(id)),
      h.customers.updateContact(id, { email: 'second@example.com' }, 1),
      h.customers.suspend(id, 'unpaid', 2),
      h.customers.suspend(id, 'again', 3), // refused: already suspended
      h.customers.updateContact(id, { email: 'third@example.com' }, 3),
    ]);
    assert.equal(h.transactions() - before, 1);
    assert.deepEqual(
      settled.map((s) => s.status),
      ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
    );
    const { rows } = await world.db.query<{ version: number; status: string; email: string }>(
      'SELECT version, status, email FROM customers WHERE id = $1',
      [id],
    );
    assert.deepEqual(rows, [{ version: 4, status: 'SUSPENDED', email: 'third@example.com' }]);
    assert.deepEqual(await h.eventsOf(id), [
      'com.droid.bss.customer.created.v1',
      'com.droid.bss.customer.contactUpdated.v1',
      'com.droid.bss.customer.suspended.v1',
      'com.droid.bss.customer.contactUpdated.v1',
    ]);
  });
}
