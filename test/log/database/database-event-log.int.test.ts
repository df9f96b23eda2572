// The database EventLog on a real PostgreSQL server, each suite in a fresh schema dropped afterwards: the
// EventLog contract, the database log's own, and what only a server with many connections shows.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPostgresDb } from '../../../src/store/postgres-db.ts';
import { migrate } from '../../../src/store/migrate.ts';
import type { Db } from '../../../src/store/db.ts';
import { createDatabaseEventLog } from '../../../src/log/database/database-event-log.ts';
import { appendWithin } from '../../../src/log/database/append.ts';
import { eventLogContract } from '../event-log-contract.ts';
import { databaseLogContract, FAST } from '../database-log-contract.ts';
import { requireEnv, uniqueName } from '../../support/env.ts';

eventLogContract('database log on PostgreSQL', async () => {
  const url = requireEnv('BSS_DATABASE_URL');
  const schema = uniqueName('event_log');
  const admin = await createPostgresDb({ url, schema });
  await migrate(admin);
  const pools: Db[] = [];
  return {
    // Each client gets its own pool, as separate service instances would.
    async open() {
      const db = await createPostgresDb({ url, schema, maxConnections: 5 });
      pools.push(db);
      return createDatabaseEventLog(db, FAST);
    },
    async cleanup() {
      await Promise.all(pools.map((db) => db.close()));
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
      await admin.close();
    },
  };
});

databaseLogContract('PostgreSQL', async () => {
  const url = requireEnv('BSS_DATABASE_URL');
  const schema = uniqueName('event_log');
  const db = await createPostgresDb({ url, schema, maxConnections: 10 });
  await migrate(db);
  return {
    db,
    async cleanup() {
      await db.query(`DROP SCHEMA "${schema}" CASCADE`);
      await db.close();
    },
  };
});

describe('database log on PostgreSQL: an open transaction', async () => {
  const url = requireEnv('BSS_DATABASE_URL');
  const schema = uniqueName('event_log');
  const db = await createPostgresDb({ url, schema, maxConnections: 10 });
  await migrate(db);
  const log = createDatabaseEventLog(db);
  after(async () => {
    await log.close();
    await db.query(`DROP SCHEMA "${schema}" CASCADE`);
    await db.close();
  });
  const newTopic = async (partitions: number) => {
    const topic = uniqueName('db-log').replaceAll('_', '-');
    await log.ensureTopic(topic, { partitions });
    return topic;
  };
  const record = (key: string, n: number) => ({ key, value: JSON.stringify({ n }) });

  test("an open transaction's records are invisible and a later append waits for it: offsets show up in order", async () => {
    const topic = await newTopic(1);
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let tookOffset!: () => void;
    const took = new Promise<void>((resolve) => (tookOffset = resolve));
    const first = db.transaction(async (tx) => {
      const positions = await appendWithin(tx, topic, [record('k', 0)]);
      tookOffset();
      await held;
      return positions;
    });
    await took;
    let secondDone = false;
    const second = log.append(topic, [record('k', 1)]).finally(() => (secondDone = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(secondDone, false, 'the second append waits for the partition lock');
    assert.deepEqual(await log.read(topic, 0, 0), [], 'nothing visible before the commit');
    commit();
    assert.deepEqual(await first, [{ partition: 0, offset: 0 }]);
    assert.deepEqual(await second, [{ partition: 0, offset: 1 }]);
    assert.deepEqual(
      (await log.read(topic, 0, 0)).map((r) => r.offset),
      [0, 1],
    );
  });
});
