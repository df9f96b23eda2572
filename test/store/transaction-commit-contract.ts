// Transaction.commit on either adapter: COMMIT sent behind statements before their answers commits them all
// or, when one fails, none (PostgreSQL answers COMMIT with ROLLBACK), and refuses a statement after it; the
// read model's expected-version check is in SQL (migration 043), so a miss cannot commit either.
import assert from 'node:assert/strict';
import type { Db } from '../../src/store/db.ts';
import { allInOrder } from '../../src/store/all-in-order.ts';
import { createUnitOfWork } from '../../src/application/read-model/unit-of-work.ts';
import type { DomainEvent } from '../../src/domain/index.ts';
import { BssError } from '../../src/errors.ts';
import { customerCreatedEvent } from '../support/events.ts';
import { migrate } from '../../src/store/migrate.ts';
import { randomUUID } from 'node:crypto';

const count = async (db: Db, table: string) =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n;

/** Both scenarios on an empty database (or schema). */
export async function commitContracts(db: Db): Promise<void> {
  await migrate(db);
  await db.exec('CREATE TABLE t (id int PRIMARY KEY)');
  await transactionCommitContract(db);
  await expectedVersionContract(db, `cus_${randomUUID()}`);
}

async function transactionCommitContract(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await allInOrder([
      tx.query('INSERT INTO t (id) VALUES ($1)', [1]),
      tx.query('INSERT INTO t (id) VALUES ($1)', [2]),
      tx.commit(),
    ]);
  });
  assert.equal(await count(db, 't'), 2, 'both statements committed');

  await assert.rejects(
    db.transaction((tx) =>
      allInOrder([
        tx.query('INSERT INTO t (id) VALUES ($1)', [3]),
        tx.query('INSERT INTO t (id) VALUES ($1)', [1]),
        tx.commit(),
      ]),
    ),
    (error: { code?: string }) => error.code === '23505',
    "the failed statement's own error, not the COMMIT's",
  );
  assert.equal(await count(db, 't'), 2, 'the statement before the failed one rolled back with it');

  await assert.rejects(
    db.transaction(async (tx) => {
      void tx.commit();
      await tx.query('INSERT INTO t (id) VALUES ($1)', [4]);
    }),
    /a statement after COMMIT/,
  );
  assert.equal(await count(db, 't'), 2, 'the refused statement never ran');
}

const suspended = (customerId: string): DomainEvent => ({
  type: 'customer.suspended',
  data: { customerId, reason: null, at: '2026-12-08T00:00:00.000Z' },
});

/** A row changed behind the unit of work's back: its flush fails in SQL, so the COMMIT behind it rolls back. */
async function expectedVersionContract(db: Db, customerId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const uow = createUnitOfWork(tx);
    await uow.apply([customerCreatedEvent(customerId)]);
    await uow.flush();
  });
  const version = async () =>
    (await db.query<{ version: number }>('SELECT version FROM customers WHERE id = $1', [customerId])).rows[0]?.version;
  const before = await version();
  await assert.rejects(
    db.transaction(async (tx) => {
      const uow = createUnitOfWork(tx);
      await uow.load('customer', customerId);
      await tx.query('UPDATE customers SET version = version + 1 WHERE id = $1', [customerId]);
      await uow.apply([suspended(customerId)]);
      await allInOrder([uow.flush(), tx.commit()]);
    }),
    (error: unknown) => error instanceof BssError && error.code === 'CONCURRENT_MODIFICATION' && error.retryable,
  );
  assert.equal(await version(), before, 'neither the change behind its back nor its own update committed');
}
