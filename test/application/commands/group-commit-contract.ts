// Group commit, the same on every Db adapter: commands submitted together share one transaction, each
// keeps its own answer or refusal, one command's failure (a domain refusal, an error of its own, an SQL
// error that aborts the transaction) never fails the others nor commits their effects twice, and
// commands on one aggregate apply in order, each seeing the one before.
import { AsyncLocalStorage } from 'node:async_hooks';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  createCommandBus,
  EVENTS_TOPIC,
  type CommandBus,
  type GroupCommitOptions,
} from '../../../src/application/commands/command-bus.ts';
import { customerCommands } from '../../../src/application/commands/customers.ts';
import { orderCommands } from '../../../src/application/commands/orders.ts';
import { paymentCommands } from '../../../src/application/commands/payments.ts';
import {
  createIdempotencyStore,
  type IdempotencyStore,
} from '../../../src/application/idempotency/idempotency-store.ts';
import { ClaimUnavailable, withClaim, type ScopedClaim } from '../../../src/application/idempotency/fence.ts';
import { catalog, DomainRejection } from '../../../src/domain/index.ts';
import { BssError } from '../../../src/errors.ts';
import { createEventCodec } from '../../../src/events/codec.ts';
import { EVENT_CATALOG } from '../../../src/events/catalog.ts';
import { appendWithin } from '../../../src/log/database/append.ts';
import { createDatabaseEventLog } from '../../../src/log/database/database-event-log.ts';
import { migrate } from '../../../src/store/migrate.ts';
import type { Db } from '../../../src/store/db.ts';
import { storeError } from '../../../src/store/connection-errors.ts';
import { customerBody } from '../../support/customers.ts';

export interface GroupWorld {
  readonly db: Db;
  close(): Promise<void>;
}

interface Harness {
  readonly bus: CommandBus;
  readonly customers: ReturnType<typeof customerCommands>;
  readonly orders: ReturnType<typeof orderCommands>;
  readonly payments: ReturnType<typeof paymentCommands>;
  readonly idempotency: IdempotencyStore;
  /** Transactions begun since the harness was built. */
  transactions(): number;
  /** Statements sent inside transactions since the harness was built. */
  statements(): number;
  /** The next n transactions fail as PostgreSQL's deadlock victims do (the store's mapped error). */
  abortNext(n: number): void;
  eventsOf(customerId: string): Promise<string[]>;
}

async function harness(world: GroupWorld, group?: GroupCommitOptions): Promise<Harness> {
  let begun = 0;
  let aborts = 0;
  let statements = 0;
  const db: Db = {
    ...world.db,
    transaction: (fn) => {
      begun += 1;
      if (aborts > 0) {
        aborts -= 1;
        return Promise.reject(storeError(Object.assign(new Error('deadlock detected'), { code: '40P01' })));
      }
      return world.db.transaction((tx) =>
        fn({
          ...tx,
          query: ((...args: Parameters<typeof tx.query>) => ((statements += 1), tx.query(...args))) as typeof tx.query,
        }),
      );
    },
  };
  await migrate(db);
  const log = createDatabaseEventLog(db, { heartbeatMs: 100, sessionTimeoutMs: 1000, pollMs: 50 });
  await log.ensureTopic(EVENTS_TOPIC, { partitions: 2 });
  const bus = createCommandBus({
    db,
    codec: createEventCodec(EVENT_CATALOG),
    sink: { appendWithin: async (tx, topic, records) => void (await appendWithin(tx, topic, records)) },
    ...(group ? { group } : {}),
  });
  let tick = 0;
  const clock = () => new Date(Date.UTC(2026, 0, 1) + tick++ * 1000).toISOString();
  return {
    bus,
    customers: customerCommands(bus, clock),
    orders: orderCommands(bus, clock, catalog.seedPlans),
    payments: paymentCommands(bus, db, clock),
    idempotency: createIdempotencyStore(db),
    transactions: () => begun,
    statements: () => statements,
    abortNext: (n) => void (aborts = n),
    async eventsOf(customerId) {
      const { rows } = await db.query<{ type: string }>(
        `SELECT value::json->>'type' AS type FROM event_log WHERE key = $1 ORDER BY partition, "offset"`,
        [customerId],
      );
      return rows.map((r) => r.type);
    },
  };
}

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
    await h.customers.create(customerBody(existing));
    const before = h.transactions();
    const ids = Array.from({ length: 5 }, () => `cus_${randomUUID()}`);
    const settled = await Promise.allSettled([
      ...ids.map((id) => h.customers.create(customerBody(id))),
      h.customers.create(customerBody(existing)), // refused by the domain: exists
      h.customers.updateContact(existing, { email: 'stale@example.com' }, 7), // stale If-Match
    ]);
    assert.equal(h.transactions() - before, 1, 'one transaction for the group');
    assert.deepEqual(
      settled.slice(0, 5).map((s) => s.status),
      ids.map(() => 'fulfilled'),
    );
    assert.ok(settled[5]?.status === 'rejected' && settled[5].reason instanceof DomainRejection);
    assert.ok(settled[6]?.status === 'rejected' && settled[6].reason instanceof BssError);
    for (const id of ids) assert.deepEqual(await h.eventsOf(id), ['com.droid.bss.customer.created.v1']);
    assert.deepEqual(await h.eventsOf(existing), ['com.droid.bss.customer.created.v1']);
  });

  test(`${name}: while many callers stream in, a group starts no sooner than the spacing after the last`, async () => {
    const spaced = await harness(world, { spacingMs: 1000 });
    const create = () => spaced.customers.create(customerBody(`cus_${randomUUID()}`));
    await Promise.all([create(), create()]); // one group of two: more than one caller
    const before = spaced.transactions();
    const late = [create()];
    await new Promise((resolve) => setTimeout(resolve, 50));
    late.push(create());
    await Promise.all(late);
    assert.equal(spaced.transactions() - before, 1, 'the two that came within the spacing committed together');
  });

  test(`${name}: an SQL error in one command aborts nothing of the others, committed exactly once`, async () => {
    const ids = Array.from({ length: 4 }, () => `cus_${randomUUID()}`);
    // A NUL byte is refused by PostgreSQL: the group's transaction aborts and its commands run alone.
    const broken = h.bus.run(async (uow) => {
      await uow.load('customer', 'cus_\u0000');
      return { events: [], result: undefined };
    });
    const settled = await Promise.allSettled([
      ...ids.slice(0, 2).map((id) => h.customers.create(customerBody(id))),
      broken,
      ...ids.slice(2).map((id) => h.customers.create(customerBody(id))),
    ]);
    assert.deepEqual(
      settled.map((s) => s.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
    );
    for (const id of ids) assert.deepEqual(await h.eventsOf(id), ['com.droid.bss.customer.created.v1']);
  });

  test(`${name}: a group the database aborts (deadlock victim) runs again; past its attempts a retryable 503`, async () => {
    const id = `cus_${randomUUID()}`;
    const before = h.transactions();
    h.abortNext(1);
    await h.customers.create(customerBody(id));
    assert.equal(h.transactions() - before, 2, 'aborted once, then committed');
    assert.deepEqual(await h.eventsOf(id), ['com.droid.bss.customer.created.v1']);

    const unlucky = `cus_${randomUUID()}`;
    h.abortNext(100);
    await assert.rejects(h.customers.create(customerBody(unlucky)), (error: unknown) => {
      assert.ok(error instanceof BssError);
      assert.equal(error.code, 'TRANSACTION_CONFLICT');
      assert.equal(error.status, 503);
      return true;
    });
    h.abortNext(0);
    assert.deepEqual(await h.eventsOf(unlucky), [], 'nothing of it was committed');
  });

  test(`${name}: a group of conflicting commands the database aborts reruns whole, not one by one`, async () => {
    const ids = Array.from({ length: 5 }, () => `cus_${randomUUID()}`);
    const before = h.transactions();
    h.abortNext(1);
    await Promise.all(ids.map((id) => h.customers.create(customerBody(id))));
    assert.equal(h.transactions() - before, 2, 'aborted once, then committed together');
    for (const id of ids) assert.deepEqual(await h.eventsOf(id), ['com.droid.bss.customer.created.v1']);
  });

  test(`${name}: a group reads its rows in the same statements whatever its size`, async () => {
    const customers = Array.from({ length: 6 }, () => `cus_${randomUUID()}`);
    await Promise.all(customers.map((id) => h.customers.create(customerBody(id))));
    const orders = customers.map(() => `ord_${randomUUID()}`);
    const cost = async (group: () => Array<Promise<unknown>>) => {
      const [statements, transactions] = [h.statements(), h.transactions()];
      await Promise.all(group());
      assert.equal(h.transactions() - transactions, 1, 'one transaction for the group');
      return h.statements() - statements;
    };
    const place = (from: number, to: number) => () =>
      customers
        .slice(from, to)
        .map((customerId, i) =>
          h.orders.place({ orderId: orders[from + i] as string, customerId, items: [{ planId: 'start-pln' }] }),
        );
    // Approving reads each order, then the customer and balance it names: two rounds of reads, not one per order.
    const approve = (from: number, to: number) => () => orders.slice(from, to).map((id) => h.orders.approve(id));
    const pay = (from: number, to: number) => () =>
      customers.slice(from, to).map((customerId) =>
        h.payments.create({
          paymentId: `pay_${randomUUID()}`,
          customerId,
          amount: { amount: 1000, currency: 'PLN' },
          method: 'card',
        }),
      );
    for (const group of [place, approve, pay]) {
      assert.equal(await cost(group(0, 2)), await cost(group(2, 6)), `${group.name}: 2 commands cost as 4 do`);
    }
    for (const id of customers) {
      assert.deepEqual(await h.eventsOf(id), [
        'com.droid.bss.customer.created.v1',
        'com.droid.bss.order.placed.v1',
        'com.droid.bss.order.approved.v1',
        'com.droid.bss.payment.authorized.v1',
      ]);
    }
  });

  test(`${name}: two instances creating one row at once: one commits, the other is refused, never a 5xx`, async () => {
    const other = await harness(world);
    for (let round = 0; round < 5; round++) {
      const id = `cus_${randomUUID()}`;
      // No e-mail claim: the two meet at the row's insert, among the group's pipelined writes.
      const body = { ...customerBody(id), allowDuplicateEmail: true };
      const settled = await Promise.allSettled([h.customers.create(body), other.customers.create(body)]);
      assert.deepEqual(settled.map((s) => s.status).sort(), ['fulfilled', 'rejected']);
      const { reason } = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult;
      assert.ok(
        reason instanceof DomainRejection || (reason instanceof BssError && reason.status === 409),
        `refused as a conflict, not ${String(reason)}`,
      );
      assert.deepEqual(await h.eventsOf(id), ['com.droid.bss.customer.created.v1']);
    }
  });

  test(`${name}: commands on one aggregate apply in order, each seeing the state and version before it`, async () => {
    const id = `cus_${randomUUID()}`;
    const before = h.transactions();
    const settled = await Promise.allSettled([
      h.customers.create(customerBody(id)),
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

  test(`${name}: of a group's fenced commands only the one whose claim was taken over is refused`, async () => {
    const claim = async (key: string) => {
      const claimed = await h.idempotency.claim('key:ops', key, 'fp');
      assert.ok(claimed.kind === 'claimed');
      return { caller: 'key:ops', key, owner: claimed.owner };
    };
    const [k1, k2, k3, k4] = await Promise.all(['k1', 'k2', 'k3', 'k4'].map((k) => claim(`${k}_${randomUUID()}`)));
    assert.ok(k1 && k2 && k3 && k4);
    // k2's request was taken over by a retry; k3's had committed its first command before it died.
    await world.db.query(`UPDATE idempotency_keys SET owner = 'a-retry' WHERE key = $1`, [k2.key]);
    await world.db.query(`UPDATE idempotency_keys SET effects = '["prior"]' WHERE key = $1`, [k3.key]);
    const [c1, c2, c4] = [randomUUID(), randomUUID(), randomUUID()].map((id) => `cus_${id}`) as [
      string,
      string,
      string,
    ];
    let reran = false;
    const first = request(k1);
    const before = h.transactions();
    const settled = await Promise.allSettled([
      first(() => h.customers.create(customerBody(c1))),
      request(k2)(() => h.customers.create(customerBody(c2))),
      request(k3)(() => h.bus.run(async () => ((reran = true), { events: [], result: 'again' }))),
      first(() => h.customers.updateContact(c1, { email: 'second@example.com' }, 1)), // its second step
      request(k4)(() => h.customers.create(customerBody(c4))),
    ]);
    assert.equal(h.transactions() - before, 1, 'one transaction for the group');
    assert.deepEqual(
      settled.map((s) => s.status),
      ['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled'],
    );
    const refused = settled[1]?.status === 'rejected' ? settled[1].reason : undefined;
    assert.ok(refused instanceof BssError && refused.code === 'IDEMPOTENCY_KEY_IN_PROGRESS' && refused.status === 409);
    const replayed = settled[2]?.status === 'fulfilled' ? settled[2].value : undefined;
    assert.equal(replayed?.result, 'prior');
    assert.equal(reran, false, 'a prior effect is replayed, not run again');
    assert.deepEqual(await h.eventsOf(c1), [
      'com.droid.bss.customer.created.v1',
      'com.droid.bss.customer.contactUpdated.v1',
    ]);
    assert.deepEqual(await h.eventsOf(c2), []);
    assert.deepEqual(await h.eventsOf(c4), ['com.droid.bss.customer.created.v1']);
    const { rows } = await world.db.query<{ key: string; effects: unknown[] }>(
      'SELECT key, effects FROM idempotency_keys WHERE key = ANY($1::text[]) ORDER BY key',
      [[k1.key, k2.key, k3.key, k4.key]],
    );
    assert.deepEqual(
      rows.map((r) => r.effects),
      [[null, null], [], ['prior'], [null]],
      'results recorded in step order, none for the refused command',
    );
  });

  test(`${name}: a tentative claim is inserted by its request's first command, in the group's transaction`, async () => {
    const tentative = (name: string) => h.idempotency.tentative('key:ops', `${name}_${randomUUID()}`, `fp-${name}`);
    const [t1, t2, t3] = [tentative('t1'), tentative('t2'), tentative('t3')];
    const taken = await h.idempotency.claim('key:ops', t2.key, 'fp-t2');
    assert.equal(taken.kind, 'claimed', 'another request holds t2 already');
    const [c1, c2, c3] = [randomUUID(), randomUUID(), randomUUID()].map((id) => `cus_${id}`) as [
      string,
      string,
      string,
    ];
    const first = request(t1);
    const before = h.transactions();
    const settled = await Promise.allSettled([
      first(() => h.customers.create(customerBody(c1))),
      request(t2)(() => h.customers.create(customerBody(c2))),
      first(() => h.customers.updateContact(c1, { email: `${c1}-second@example.com` }, 1)), // its second step
    ]);
    assert.equal(h.transactions() - before, 1, 'one transaction for the group, no claim statement of its own');
    assert.deepEqual(
      settled.map((s) => s.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.ok(settled[1]?.status === 'rejected' && settled[1].reason instanceof ClaimUnavailable);
    assert.deepEqual(await h.eventsOf(c2), []);
    // A group that rolls back stores no claim: the request's retry starts afresh.
    const broken = request(t3)(() =>
      h.bus.run(async (uow) => {
        await uow.load('customer', 'cus_\u0000');
        return { events: [], result: undefined };
      }),
    );
    await assert.rejects(broken);
    assert.deepEqual(await h.eventsOf(c3), []);
    const { rows } = await world.db.query<{ key: string; owner: string; fingerprint: string; effects: unknown[] }>(
      'SELECT key, owner, fingerprint, effects FROM idempotency_keys WHERE key = ANY($1::text[]) ORDER BY key',
      [[t1.key, t2.key, t3.key]],
    );
    assert.deepEqual(
      rows.map(({ key, owner, fingerprint, effects }) => ({ key, owner, fingerprint, effects })),
      [
        { key: t1.key, owner: t1.owner, fingerprint: 'fp-t1', effects: [null, null] },
        { key: t2.key, owner: taken.kind === 'claimed' ? taken.owner : '', fingerprint: 'fp-t2', effects: [] },
      ],
    );
  });
}

/** A claimed request, as the idempotency plugin runs it: the commands fn submits are its next steps. */
function request(claim: ScopedClaim): <T>(fn: () => T) => T {
  let inScope: (<T>(fn: () => T) => T) | undefined;
  withClaim(claim, () => (inScope = AsyncLocalStorage.snapshot()));
  return inScope as <T>(fn: () => T) => T;
}
