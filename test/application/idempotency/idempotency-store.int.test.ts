// The idempotency store on a real PostgreSQL server: concurrent claims from a connection pool race for
// one key, and exactly one wins. Each run uses a fresh schema, dropped afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPostgresDb } from '../../../src/store/postgres-db.ts';
import { migrate } from '../../../src/store/migrate.ts';
import { createIdempotencyStore } from '../../../src/application/idempotency/idempotency-store.ts';
import { requireEnv, uniqueName } from '../../support/env.ts';

test('PostgreSQL: of 30 concurrent claims of one key exactly one wins; its answer is replayed', async () => {
  const schema = uniqueName('idempotency');
  const db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL'), schema, maxConnections: 10 });
  try {
    await migrate(db);
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
  } finally {
    await db.query(`DROP SCHEMA "${schema}" CASCADE`);
    await db.close();
  }
});

test('PostgreSQL: a renewed claim outlives its lease; an unrenewed one is taken over by the same request', async () => {
  const schema = uniqueName('idempotency_lease');
  const db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL'), schema, maxConnections: 4 });
  try {
    await migrate(db);
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
  } finally {
    await db.query(`DROP SCHEMA "${schema}" CASCADE`);
    await db.close();
  }
});
