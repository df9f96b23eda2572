// The idempotency claim's lease (issue 14): a running request keeps its claim past the lease, a claim
// whose process is gone is taken over by a retry within the lease, and an outcome the database could
// not take is written once it can, so a retry with the same key gets the first answer, never a rerun.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { testApp } from '../../support/app.ts';
import { createPgliteDb } from '../../../src/store/pglite-db.ts';
import { migrate } from '../../../src/store/migrate.ts';
import {
  createIdempotencyStore,
  type IdempotencyStore,
} from '../../../src/application/idempotency/idempotency-store.ts';
import { registerIdempotency } from '../../../src/api/plugins/idempotency.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { composedApp } from '../../support/composed-app.ts';
import { takeoverAfterCommit } from '../../support/idempotency-takeover.ts';

const LEASE_MS = 150;
const RENEW_MS = 30;

/** An instance of the plugin on a shared database; `store` lets a test make the database fail. */
/** `hold`: the handler waits for it (a test-controlled gate, or a time). */
async function instance(store: IdempotencyStore, key: string, hold: Promise<unknown> | number = 0) {
  const app = await testApp();
  let runs = 0;
  await app.register(async (scope) => {
    registerIdempotency(scope, store, createLogger('silent'), RENEW_MS);
    scope.post('/work', async (_request, reply) => {
      runs++;
      await (typeof hold === 'number' ? sleep(hold) : hold);
      return reply.status(201).send({ run: runs });
    });
  });
  const post = () => app.inject({ method: 'POST', url: '/work', headers: { 'idempotency-key': key }, payload: {} });
  return { app, post, runs: () => runs };
}

// One database for the file (a PGlite start is slow on a shared machine); each test has its own key.
let db: Awaited<ReturnType<typeof createPgliteDb>>;
before(async () => {
  db = await createPgliteDb(undefined);
  await migrate(db);
});
after(() => db.close());

test('a request running longer than the lease keeps its claim: a retry meanwhile gets 409', async () => {
  const store = createIdempotencyStore(db, { leaseMs: LEASE_MS });
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  const slow = await instance(store, 'slow', gate);
  const other = await instance(store, 'slow');
  try {
    const first = slow.post();
    while (slow.runs() === 0) await sleep(5);
    await sleep(LEASE_MS * 3); // three leases: only the renewals keep the claim
    const retry = await other.post();
    open();
    assert.equal(retry.statusCode, 409, retry.body);
    assert.equal(retry.json().code, 'IDEMPOTENCY_KEY_IN_PROGRESS');
    assert.equal((await first).statusCode, 201);
    const replay = await other.post();
    assert.deepEqual(replay.json(), { run: 1 });
    assert.equal(other.runs(), 0);
  } finally {
    await slow.app.close();
    await other.app.close();
  }
});

test('a claim whose process is gone is taken over within the lease by a retry, which runs once', async () => {
  const store = createIdempotencyStore(db, { leaseMs: LEASE_MS });
  const dead = await instance(store, 'dead', 60_000);
  const other = await instance(store, 'dead');
  try {
    void dead.post();
    await sleep(RENEW_MS * 2);
    await dead.app.close(); // stops renewing, as a killed process would
    await sleep(LEASE_MS + 50);
    const retry = await other.post();
    assert.equal(retry.statusCode, 201, retry.body);
    assert.equal((await other.post()).headers['idempotent-replayed'], 'true');
    assert.equal(other.runs(), 1);
  } finally {
    await other.app.close();
  }
});

test('an outcome the database refused is written once it answers: the retry replays, no rerun', async () => {
  const real = createIdempotencyStore(db, { leaseMs: LEASE_MS });
  let failing = true;
  const flaky: IdempotencyStore = {
    ...real,
    complete: async (...args) => {
      if (failing) throw new Error('Connection terminated unexpectedly');
      return real.complete(...args);
    },
  };
  const one = await instance(flaky, 'flaky');
  const other = await instance(real, 'flaky');
  try {
    assert.equal((await one.post()).statusCode, 201);
    await sleep(LEASE_MS * 2);
    assert.equal((await other.post()).statusCode, 409, 'the claim is kept while its outcome waits');
    failing = false;
    await sleep(2500); // the backoff reaches its next attempt
    const retry = await other.post();
    assert.equal(retry.headers['idempotent-replayed'], 'true', retry.body);
    assert.deepEqual(retry.json(), { run: 1 });
    assert.equal(other.runs(), 0);
  } finally {
    await one.app.close();
    await other.app.close();
  }
});

test('a release the database refused keeps no claim: the retry runs once the lease lapses', async () => {
  const real = createIdempotencyStore(db, { leaseMs: LEASE_MS });
  const flaky: IdempotencyStore = {
    ...real,
    release: async () => {
      throw new Error('Connection terminated unexpectedly'); // the database is down for the whole test
    },
  };
  const app = await testApp();
  let runs = 0;
  await app.register(async (scope) => {
    registerIdempotency(scope, flaky, createLogger('silent'), RENEW_MS);
    scope.post('/work', async (_request, reply) => {
      if (++runs === 1) return reply.status(503).send({ code: 'DEPENDENCY_UNAVAILABLE' });
      return reply.status(201).send({ run: runs });
    });
  });
  const other = await instance(real, 'released');
  try {
    const post = () =>
      app.inject({ method: 'POST', url: '/work', headers: { 'idempotency-key': 'released' }, payload: {} });
    assert.equal((await post()).statusCode, 503);
    await sleep(LEASE_MS * 3); // renewals, were they still running, would keep the claim through this
    const retry = await other.post();
    assert.equal(retry.statusCode, 201, retry.body);
    assert.equal(other.runs(), 1);
  } finally {
    await app.close();
    await other.app.close();
  }
});

test('a failed request releases its claim at once: the retry runs right away', async () => {
  const store = createIdempotencyStore(db, { leaseMs: 60_000 });
  const app = await testApp();
  let runs = 0;
  await app.register(async (scope) => {
    registerIdempotency(scope, store, createLogger('silent'), RENEW_MS);
    scope.post('/work', async () => {
      if (++runs === 1) throw Object.assign(new Error('Connection terminated unexpectedly'), { code: '57P01' });
      return { run: runs };
    });
  });
  try {
    const post = () => app.inject({ method: 'POST', url: '/work', headers: { 'idempotency-key': 'k' }, payload: {} });
    assert.ok((await post()).statusCode >= 500);
    const retry = await post();
    assert.equal(retry.statusCode, 200, retry.body);
    assert.deepEqual(retry.json(), { run: 2 });
  } finally {
    await app.close();
  }
});

test('a retry taking over the claim of a request that committed and died gets its result, not a rerun', async () => {
  const bss = await composedApp();
  try {
    await takeoverAfterCommit(bss, 'takeover');
  } finally {
    await bss.close();
  }
});
