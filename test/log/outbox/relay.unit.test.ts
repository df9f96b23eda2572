// How often the relay opens a round (a transaction): after a round that took less than it could, only a
// commit's NOTIFY starts another, gatherMs after it; a full round is followed at once by the next.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPgliteDb } from '../../../src/store/pglite-db.ts';
import { migrate } from '../../../src/store/migrate.ts';
import type { Db } from '../../../src/store/db.ts';
import { createDatabaseEventLog } from '../../../src/log/database/database-event-log.ts';
import { createOutboxSink } from '../../../src/log/outbox/outbox-sink.ts';
import { startOutboxRelay } from '../../../src/log/outbox/relay.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { waitFor } from '../../support/wait.ts';

async function setup(batchSize: number, maxBatchesPerRound: number, gatherMs = 0) {
  const db = await createPgliteDb(undefined);
  await migrate(db);
  // The log lives in a database of its own: a PGlite runs one transaction at a time, and a round's
  // transaction stays open while it appends.
  const logDb = await createPgliteDb(undefined);
  await migrate(logDb);
  const log = createDatabaseEventLog(logDb, { heartbeatMs: 100, sessionTimeoutMs: 1000, pollMs: 50 });
  await log.ensureTopic('t', { partitions: 1 });
  let transactions = 0;
  const counted: Db = { ...db, transaction: (fn) => ((transactions += 1), db.transaction(fn)) };
  // A poll far beyond the test: every round after the first comes from a NOTIFY or a full round.
  const start = () =>
    startOutboxRelay({
      db: counted,
      log,
      logger: createLogger('silent'),
      batchSize,
      maxBatchesPerRound,
      pollMs: 600_000,
      gatherMs,
    });
  const sink = createOutboxSink();
  const commit = (n: number, from = 0) =>
    db.transaction((tx) =>
      sink.appendWithin(
        tx,
        't',
        Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, value: `v${from + i}` })),
      ),
    );
  const published = async () => (await log.offsets('t')).reduce((sum, p) => sum + p.end, 0);
  return {
    db: { close: async () => (await db.close(), await logDb.close()) },
    start,
    commit,
    published,
    transactions: () => transactions,
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

test('after a round that emptied the outbox, the relay waits for the next commit instead of opening another round', async () => {
  const { db, start, commit, published, transactions } = await setup(100, 8);
  const relay = await start();
  await waitFor('the first round', async () => transactions() >= 1);
  const before = transactions();
  await commit(3);
  await waitFor('the three records published', async () => (await published()) === 3);
  await settle();
  assert.equal(transactions() - before, 1, 'one commit, one round: no empty round after it');
  await commit(2, 3);
  await waitFor('the next commit published', async () => (await published()) === 5);
  await settle();
  assert.equal(transactions() - before, 2);
  await relay.stop();
  await db.close();
});

test('a full round is followed at once by the next, until one takes less than it could', async () => {
  const { db, start, commit, published, transactions } = await setup(2, 2);
  // Nine rows committed before the relay listens: rounds of 4, 4 and 1 publish them, no NOTIFY needed.
  await commit(9);
  const relay = await start();
  await waitFor('the nine records published', async () => (await published()) === 9);
  await settle();
  assert.equal(transactions(), 3);
  await relay.stop();
  await db.close();
});

test('commits within the gather time after a NOTIFY go out in one round', async () => {
  const { db, start, commit, published, transactions } = await setup(100, 8, 1000);
  const relay = await start();
  try {
    await waitFor('the first round', async () => transactions() >= 1);
    const before = transactions();
    // The first commit's NOTIFY starts the gather; the next two commit well inside it.
    for (let i = 0; i < 3; i++) await commit(1, i);
    await waitFor('the three records published', async () => (await published()) === 3);
    await settle();
    assert.equal(transactions() - before, 1, 'three commits, one round');
  } finally {
    await relay.stop();
    await db.close();
  }
});
