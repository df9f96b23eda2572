// Issue 14: a claim whose process is gone is taken over at once, not when its lease lapses. Each store
// names its instance (src/store/instance-liveness.ts: a session advisory lock on a connection of its
// own); closing that connection is what PostgreSQL sees when the process is SIGKILLed. Real server,
// a schema of its own, dropped afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPostgresDb } from '../../../src/store/postgres-db.ts';
import { migrate } from '../../../src/store/migrate.ts';
import { createIdempotencyStore } from '../../../src/application/idempotency/idempotency-store.ts';
import { holdInstanceLiveness } from '../../../src/store/instance-liveness.ts';
import { requireEnv, uniqueName } from '../../support/env.ts';

const LONG_LEASE_MS = 60_000; // no lease lapses during the test: only liveness can free a claim

test('PostgreSQL: a claim is taken over at once when its instance dies, never while it lives', async () => {
  const url = requireEnv('BSS_DATABASE_URL');
  const schema = uniqueName('idempotency_liveness');
  const db = await createPostgresDb({ url, schema, maxConnections: 4 });
  const alive = holdInstanceLiveness({ url });
  const dying = holdInstanceLiveness({ url });
  try {
    await migrate(db);
    assert.ok(await alive.held(10_000), 'the first instance holds its lock');
    assert.ok(await dying.held(10_000), 'the second instance holds its lock');
    const a = createIdempotencyStore(db, { leaseMs: LONG_LEASE_MS, holder: alive.id });
    const b = createIdempotencyStore(db, { leaseMs: LONG_LEASE_MS, holder: dying.id });
    const pgliteLike = createIdempotencyStore(db, { leaseMs: LONG_LEASE_MS }); // no holder: lease only

    const held = await b.claim('c', 'k1', 'fp');
    const heldAlone = await pgliteLike.claim('c', 'k2', 'fp');
    assert.equal(held.kind, 'claimed');
    assert.equal(heldAlone.kind, 'claimed');
    assert.deepEqual(await a.claim('c', 'k1', 'fp'), { kind: 'in-progress' }, 'its instance lives: 409');

    await dying.stop(); // the process is gone: its connection, and with it its lock
    const takeover = await a.claim('c', 'k1', 'fp');
    assert.equal(takeover.kind, 'claimed', 'taken over at once, with 60 s of lease left');
    assert.equal(await b.renew([held.kind === 'claimed' ? held.owner : '']), 0, 'the old owner lost it');
    assert.deepEqual(await b.claim('c', 'k1', 'fp'), { kind: 'in-progress' }, 'the new holder lives: 409');
    assert.deepEqual(await a.claim('c', 'k1', 'other'), { kind: 'mismatch' }, 'another request: still 422');
    assert.deepEqual(await a.claim('c', 'k2', 'fp'), { kind: 'in-progress' }, 'no holder: only the lease ends it');
  } finally {
    await alive.stop();
    await dying.stop();
    await db.query(`DROP SCHEMA "${schema}" CASCADE`);
    await db.close();
  }
});
