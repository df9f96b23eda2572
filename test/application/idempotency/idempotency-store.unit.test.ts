import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPgliteDb } from '../../../src/store/pglite-db.ts';
import { migrate } from '../../../src/store/migrate.ts';
import { createIdempotencyStore } from '../../../src/application/idempotency/idempotency-store.ts';

async function freshDb() {
  const db = await createPgliteDb(undefined);
  await migrate(db);
  return db;
}

const answer = { status: 201, headers: { etag: '"1"' }, body: '{"id":1}' };

test('claim, complete, replay; another fingerprint is a mismatch; keys are per caller', async () => {
  const db = await freshDb();
  const store = createIdempotencyStore(db);
  const first = await store.claim('key:a', 'k1', 'fp1');
  assert.equal(first.kind, 'claimed');
  assert.deepEqual(await store.claim('key:a', 'k1', 'fp1'), { kind: 'in-progress' });
  assert.deepEqual(await store.claim('key:a', 'k1', 'fp2'), { kind: 'mismatch' });
  assert.equal((await store.claim('key:b', 'k1', 'fp2')).kind, 'claimed', 'another caller has its own keys');
  if (first.kind !== 'claimed') return;
  await store.complete('key:a', 'k1', first.owner, answer);
  assert.deepEqual(await store.claim('key:a', 'k1', 'fp1'), { kind: 'replay', response: answer });
  assert.deepEqual(await store.claim('key:a', 'k1', 'fp2'), { kind: 'mismatch' });
  await db.close();
});

test('a released claim can be claimed again; a stale owner cannot release or complete', async () => {
  const db = await freshDb();
  const store = createIdempotencyStore(db);
  const first = await store.claim('c', 'k', 'fp');
  assert.equal(first.kind, 'claimed');
  if (first.kind !== 'claimed') return;
  await store.release('c', 'k', 'someone-else');
  assert.deepEqual(await store.claim('c', 'k', 'fp'), { kind: 'in-progress' });
  await store.release('c', 'k', first.owner);
  const second = await store.claim('c', 'k', 'fp');
  assert.equal(second.kind, 'claimed');
  await store.complete('c', 'k', first.owner, answer);
  assert.deepEqual(await store.claim('c', 'k', 'fp'), { kind: 'in-progress' }, 'the old owner wrote nothing');
  await db.close();
});

test('an abandoned claim is taken over by the same request after the lease', async () => {
  const db = await freshDb();
  const store = createIdempotencyStore(db, { leaseMs: 20 });
  assert.equal((await store.claim('c', 'k', 'fp')).kind, 'claimed');
  await sleep(40);
  assert.deepEqual(await store.claim('c', 'k', 'other'), { kind: 'mismatch' }, 'not by a different request');
  assert.equal((await store.claim('c', 'k', 'fp')).kind, 'claimed');
  await db.close();
});

test('records expire: a purge deletes them and the key is free again', async () => {
  const db = await freshDb();
  const store = createIdempotencyStore(db, { retentionMs: 20 });
  const claim = await store.claim('c', 'k', 'fp');
  if (claim.kind === 'claimed') await store.complete('c', 'k', claim.owner, answer);
  await store.claim('c', 'fresh', 'fp');
  await sleep(40);
  const longLived = createIdempotencyStore(db);
  assert.equal((await longLived.claim('c', 'k', 'new body')).kind, 'claimed', 'an expired key is reusable');
  assert.equal(await store.purgeExpired(), 1, 'only the other expired record was left to purge');
  await db.close();
});

test('concurrent claims and completions go together: each keeps its own verdict, a key twice in one batch is claimed once', async () => {
  const db = await freshDb();
  const store = createIdempotencyStore(db);
  let statements = 0;
  const counted = {
    ...db,
    query: ((...args: Parameters<typeof db.query>) => (statements++, db.query(...args))) as typeof db.query,
  };
  const batched = createIdempotencyStore(counted);
  const held = await store.claim('c', 'held', 'fp');
  assert.equal(held.kind, 'claimed');
  const claims = await Promise.all([
    ...Array.from({ length: 20 }, (_, i) => batched.claim('c', `k${i}`, 'fp')),
    batched.claim('c', 'twice', 'fp'),
    batched.claim('c', 'twice', 'fp'),
    batched.claim('c', 'held', 'fp'),
    batched.claim('c', 'held', 'other'),
  ]);
  assert.deepEqual(
    claims.slice(20).map((c) => c.kind),
    ['claimed', 'in-progress', 'in-progress', 'mismatch'],
  );
  assert.ok(claims.slice(0, 20).every((c) => c.kind === 'claimed'));
  assert.ok(statements <= 6, `one batch of statements, not one per claim (${statements})`);
  statements = 0;
  await Promise.all(
    claims
      .slice(0, 20)
      .map((c, i) => (c.kind === 'claimed' ? batched.complete('c', `k${i}`, c.owner, answer) : undefined)),
  );
  assert.equal(statements, 1, 'the completions are one UPDATE');
  const replays = await Promise.all(Array.from({ length: 20 }, (_, i) => store.claim('c', `k${i}`, 'fp')));
  assert.ok(replays.every((r) => r.kind === 'replay' && r.response.body === answer.body));
  await db.close();
});

test('a tentative claim: its answer is stored even if no command stored the claim, never over another owner', async () => {
  const db = await freshDb();
  const store = createIdempotencyStore(db);
  const early = store.tentative('c', 'answered-early', 'fp');
  assert.equal(early.tentative?.fingerprint, 'fp');
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM idempotency_keys');
  assert.equal(rows[0]?.n, 0, 'nothing is stored until a command or the answer stores it');
  await store.complete('c', 'answered-early', early.owner, answer, 'fp');
  assert.deepEqual(await store.claim('c', 'answered-early', 'fp'), { kind: 'replay', response: answer });
  assert.deepEqual(await store.claim('c', 'answered-early', 'other'), { kind: 'mismatch' });

  const held = await store.claim('c', 'held', 'fp');
  assert.equal(held.kind, 'claimed');
  const late = store.tentative('c', 'held', 'fp');
  await store.complete('c', 'held', late.owner, answer, 'fp');
  assert.deepEqual(await store.claim('c', 'held', 'fp'), { kind: 'in-progress' }, 'another owner holds it');

  // What a group's insert leaves (fence.ts): the owner's answer completes it.
  const mine = store.tentative('c', 'inserted', 'fp');
  await db.query(
    `INSERT INTO idempotency_keys (caller, key, fingerprint, owner, locked_until, expires_at, effects)
     VALUES ('c', 'inserted', 'fp', $1, now() + interval '1 minute', now() + interval '1 day', '[1]')`,
    [mine.owner],
  );
  await store.complete('c', 'inserted', mine.owner, answer, 'fp');
  assert.deepEqual(await store.claim('c', 'inserted', 'fp'), { kind: 'replay', response: answer });
  await db.close();
});
