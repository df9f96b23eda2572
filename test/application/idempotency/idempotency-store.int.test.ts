// The idempotency store on a real PostgreSQL server: concurrent claims from a connection pool race for
// one key, and exactly one wins. Each run uses a fresh schema, dropped afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPostgresDb } from '../../../src/store/postgres-db.ts';
import { migrate } from '../../../src/store/migrate.ts';
import type { Db, Queryable } from '../../../src/store/db.ts';
import { createIdempotencyStore } from '../../../src/application/idempotency/idempotency-store.ts';
import { requireEnv, uniqueName } from '../../support/env.ts';

/** Runs fn against a migrated schema of its own, dropped afterwards. */
async function withSchema(prefix: string, maxConnections: number, fn: (db: Db) => Promise<void>): Promise<void> {
  const schema = uniqueName(prefix);
  const db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL'), schema, maxConnections });
  try {
    await migrate(db);
    await fn(db);
  } finally {
    await db.query(`DROP SCHEMA "${schema}" CASCADE`);
    await db.close();
  }
}

test('PostgreSQL: of 30 concurrent claims of one key exactly one wins; its answer is replayed', () =>
  withSchema('idempotency', 10, async (db) => {
    const store = createIdempotencyStore(db);
    const claims = await Promise.all(Array.from({ length: 30 }, () => store.claim('key:ops', 'pay-1', 'fp')));
    const winners = claims.filter((c) => c.kind === 'claimed');
    assert.equal(winners.length, 1);
    assert.ok(claims.every((c) => c.kind === 'claimed' || c.kind === 'in-progress'));
    const winner = winners[0];
    assert.ok(winner?.kind === 'claimed');
    const answer = { status: 201, headers: { etag: '"1"', location: '/api/v1/payments/p1' }, body: '{"id":"p1"}' };
    await store.complete('key:ops', 'pay-1', winner.owner, answer);
    const retries = await Promise.all(Array.from({ length: 10 }, () => store.claim('key:ops', 'pay-1', 'fp')));
    for (const retry of retries) assert.deepEqual(retry, { kind: 'replay', response: answer });
    assert.deepEqual(await store.claim('key:ops', 'pay-1', 'other'), { kind: 'mismatch' });
    assert.equal(await store.purgeExpired(), 0);
  }));

test('PostgreSQL: a renewed claim outlives its lease; an unrenewed one is taken over by the same request', () =>
  withSchema('idempotency_lease', 4, async (db) => {
    const store = createIdempotencyStore(db, { leaseMs: 300 });
    const kept = await store.claim('c', 'kept', 'fp');
    const lapsed = await store.claim('c', 'lapsed', 'fp');
    assert.ok(kept.kind === 'claimed' && lapsed.kind === 'claimed');
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal(await store.renew([kept.owner]), 1);
    }
    assert.deepEqual(await store.claim('c', 'kept', 'fp'), { kind: 'in-progress' });
    assert.deepEqual(await store.claim('c', 'lapsed', 'other'), { kind: 'mismatch' });
    const takeover = await store.claim('c', 'lapsed', 'fp');
    assert.equal(takeover.kind, 'claimed');
    assert.equal(await store.renew([lapsed.owner]), 0, 'the old owner has lost it');
  }));

test('PostgreSQL: renewing leases never deadlocks with a group commit locking the same claims', () =>
  withSchema('idempotency_renew', 4, async (db) => {
    const store = createIdempotencyStore(db);
    const lockClaim = (tx: Queryable, key: string) =>
      tx.query(`SELECT owner FROM idempotency_keys WHERE caller = 'c' AND key = $1 FOR UPDATE`, [key]);
    // Both orders: whichever order renewal visits the rows in, one of them crosses the group's order.
    for (const [held, next] of [
      ['a1', 'a2'],
      ['b2', 'b1'],
    ] as const) {
      const first = await store.claim('c', held, 'fp');
      const second = await store.claim('c', next, 'fp');
      assert.ok(first.kind === 'claimed' && second.kind === 'claimed');
      let renewed: Promise<number> | undefined;
      await db.transaction(async (tx) => {
        await lockClaim(tx, held); // the group holds the first claim of its commands…
        renewed = store.renew([first.owner, second.owner]);
        await sleep(200); // …while renewal runs…
        await lockClaim(tx, next); // …and then wants the next one.
      });
      // The claim the group held was skipped (renewed next round), the other renewed.
      assert.equal(await renewed, 1);
    }
  }));

test('PostgreSQL: retries of running claims and the completions of those claims never deadlock', () =>
  withSchema('idempotency_order', 6, async (db) => {
    // Separate stores: their batches reach the database at once, as two instances' would.
    const [claiming, completing] = [createIdempotencyStore(db), createIdempotencyStore(db)];
    const answer = { status: 201, headers: {}, body: '{}' };
    for (let round = 0; round < 5; round++) {
      const keys = Array.from({ length: 200 }, (_, i) => `r${round}-${String(i).padStart(3, '0')}`);
      const claimed = await Promise.all(keys.map((k) => claiming.claim('c', k, 'fp')));
      const owners = claimed.map((c) => (c.kind === 'claimed' ? c.owner : ''));
      // A retry batch locks the running claims in one order while their completions lock them in another.
      const retries = [...keys].reverse().map((k) => claiming.claim('c', k, 'fp'));
      const done = keys.map((k, i) => completing.complete('c', k, owners[i] as string, answer));
      const outcomes = await Promise.allSettled([...retries, ...done]);
      const failed = outcomes.filter((o) => o.status === 'rejected');
      assert.deepEqual(failed, [], `round ${round}`);
    }
  }));
