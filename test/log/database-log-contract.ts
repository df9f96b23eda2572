// What the database EventLog (PGlite and PostgreSQL share its SQL) promises beyond the EventLog contract:
// transactional appends, monotonic timestamps, leases and heartbeats, NOTIFY wake-ups. Run by
// database/database-event-log.unit.test.ts (PGlite) and database/database-event-log.int.test.ts (PostgreSQL).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../../src/store/db.ts';
import { createDatabaseEventLog, type DatabaseEventLogOptions } from '../../src/log/database/database-event-log.ts';
import type { EventLog } from '../../src/log/event-log.ts';
import { appendWithin, EVENT_LOG_CHANNEL } from '../../src/log/database/append.ts';
import { commitAsOwner } from '../../src/log/database/committed-offsets.ts';
import { createMembership } from '../../src/log/database/group-membership.ts';
import { uniqueName } from '../support/env.ts';
import { waitFor } from '../support/wait.ts';

/** Short timings so rebalances in the tests take a fraction of a second. */
export const FAST: DatabaseEventLogOptions = { heartbeatMs: 100, sessionTimeoutMs: 1000, pollMs: 100 };

export interface DatabaseLogFixture {
  /** A migrated database (a fresh schema on PostgreSQL) every client of the suite shares. */
  readonly db: Db;
  cleanup(): Promise<void>;
}

export function databaseLogContract(name: string, makeFixture: () => Promise<DatabaseLogFixture>): void {
  describe(`database log on ${name}: what the database adapters promise beyond the contract`, async () => {
    const { db, cleanup } = await makeFixture();
    const clients: EventLog[] = [];
    const client = (options: DatabaseEventLogOptions = FAST) => {
      const log = createDatabaseEventLog(db, options);
      clients.push(log);
      return log;
    };
    const log = client();
    after(async () => {
      for (const c of clients) await c.close();
      await cleanup();
    });
    const newTopic = async (partitions: number) => {
      const topic = uniqueName('db-log').replaceAll('_', '-');
      await log.ensureTopic(topic, { partitions });
      return topic;
    };
    const record = (key: string, n: number, timestamp?: number) => ({
      key,
      value: JSON.stringify({ n }),
      ...(timestamp !== undefined ? { timestamp } : {}),
    });

    test("appendWithin joins the caller's transaction: a rollback leaves no record and no gap in the offsets", async () => {
      const topic = await newTopic(1);
      await db.query('CREATE TABLE read_model (id text PRIMARY KEY)');
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO read_model VALUES ($1)', ['rolled-back']);
          await appendWithin(tx, topic, [record('k', 0)]);
          throw new Error('command failed');
        }),
        /command failed/,
      );
      assert.equal((await log.offsets(topic))[0]?.end, 0);
      const positions = await db.transaction(async (tx) => {
        await tx.query('INSERT INTO read_model VALUES ($1)', ['committed']);
        return appendWithin(tx, topic, [record('k', 1)]);
      });
      assert.deepEqual(positions, [{ partition: 0, offset: 0 }]);
      assert.deepEqual((await db.query('SELECT id FROM read_model')).rows, [{ id: 'committed' }]);
      assert.deepEqual(
        (await log.read(topic, 0, 0)).map((r) => JSON.parse(r.value)),
        [{ n: 1 }],
      );
    });

    test('timestamps never decrease within a partition: an earlier one is raised to the latest', async () => {
      const topic = await newTopic(1);
      await log.append(topic, [record('k', 0, 5000), record('k', 1, 3000), record('k', 2, 6000)]);
      await log.append(topic, [record('k', 3, 1000)]);
      assert.deepEqual(
        (await log.read(topic, 0, 0)).map((r) => r.timestamp),
        [5000, 5000, 6000, 6000],
      );
      assert.equal(await log.offsetForTime(topic, 0, 5500), 2);
      await assert.rejects(log.append(topic, [record('k', 4, 1.5)]), RangeError);
    });

    test('timestamps never decrease within a partition also when appends race (separate connections on PostgreSQL)', async () => {
      const topic = await newTopic(4);
      const batches = Array.from({ length: 20 }, (_, b) =>
        Array.from({ length: 10 }, (_, i) => record(`customer-${(b * 7 + i) % 13}`, b * 10 + i)),
      );
      await Promise.all(batches.map((batch) => log.append(topic, batch)));
      for (const { partition } of await log.offsets(topic)) {
        const stamps = (await log.read(topic, partition, 0, { max: 1000 })).map((r) => r.timestamp);
        assert.deepEqual(
          stamps,
          [...stamps].sort((a, b) => a - b),
        );
      }
    });

    test('an unknown topic is NOT_FOUND for append, offsets and subscribe', async () => {
      const missing = uniqueName('missing').replaceAll('_', '-');
      await assert.rejects(log.append(missing, [record('k', 0)]), { code: 'NOT_FOUND' });
      await assert.rejects(log.offsets(missing), { code: 'NOT_FOUND' });
      await assert.rejects(log.subscribe({ group: 'g', topic: missing, onBatch: async () => {} }), {
        code: 'NOT_FOUND',
      });
    });

    test('three members share four partitions 2-1-1: no member stays idle', async () => {
      const topic = await newTopic(4);
      const group = uniqueName('group');
      const members = await Promise.all(
        [log, client(), client()].map((c) => c.subscribe({ group, topic, onBatch: async () => {} })),
      );
      try {
        await waitFor('shares 2, 1, 1 covering every partition once', () => {
          const sizes = members.map((m) => m.assignment().length).sort();
          const all = members.flatMap((m) => m.assignment()).sort();
          return sizes.join() === '1,1,2' && all.join() === '0,1,2,3';
        });
      } finally {
        await Promise.all(members.map((m) => m.close()));
      }
    });

    test('a member that stops heartbeating loses its partitions once its session times out', async () => {
      const topic = await newTopic(4);
      const group = uniqueName('group');
      await log.append(
        topic,
        Array.from({ length: 8 }, (_, i) => record(`k${i}`, i)),
      );
      // A member that claimed everything and then crashed: it never heartbeats again, never leaves.
      const crashed = createMembership(db, group, topic, 'crashed', FAST.sessionTimeoutMs ?? 0);
      const claimedAt = Date.now();
      await crashed.heartbeat();
      assert.deepEqual(await crashed.claim(4), [0, 1, 2, 3]);
      const seen: number[] = [];
      const sub = await log.subscribe({
        group,
        topic,
        onBatch: async (b) => void seen.push(...b.records.map(() => 1)),
      });
      try {
        assert.deepEqual(sub.assignment(), [], 'leases still valid');
        await waitFor('the live member takes every partition over', () => sub.assignment().length === 4);
        assert.ok(Date.now() - claimedAt >= 900, 'not before the session timeout');
        await waitFor('every record delivered', () => seen.length === 8);
      } finally {
        await sub.close();
      }
    });

    test('a member that lost its lease cannot commit over the new owner', async () => {
      const topic = await newTopic(1);
      const group = uniqueName('group');
      const owner = createMembership(db, group, topic, 'owner', 60_000);
      await owner.heartbeat();
      await owner.claim(1);
      assert.equal(await commitAsOwner(db, group, topic, 'former-owner', { partition: 0, offset: 5 }), false);
      assert.equal((await log.committed(group, topic)).get(0), null);
      assert.equal(await commitAsOwner(db, group, topic, 'owner', { partition: 0, offset: 5 }), true);
      assert.equal((await log.committed(group, topic)).get(0), 5);
      await owner.leave();
    });

    test('a handler may use the database and append to the log (single PGlite connection, no deadlock)', async () => {
      const topic = await newTopic(1);
      const dlq = await newTopic(1);
      const group = uniqueName('group');
      await log.append(topic, [record('k', 0)]);
      const sub = await log.subscribe({
        group,
        topic,
        onBatch: async (batch) => {
          await db.query('SELECT 1');
          await log.append(
            dlq,
            batch.records.map((r) => ({ key: r.key, value: r.value })),
          );
        },
      });
      try {
        await waitFor('the handler appended to the other topic', async () => (await log.offsets(dlq))[0]?.end === 1);
      } finally {
        await sub.close();
      }
    });

    test('an append wakes an idle subscriber at once (NOTIFY), long before its next poll', async () => {
      const sleepy = client({ heartbeatMs: 10_000, sessionTimeoutMs: 30_000, pollMs: 10_000 });
      const topic = await newTopic(1);
      const got: number[] = [];
      const sub = await sleepy.subscribe({
        group: uniqueName('group'),
        topic,
        onBatch: async (b) => void got.push(...b.records.map((r) => r.offset)),
      });
      try {
        await new Promise((resolve) => setTimeout(resolve, 50)); // let the loop go idle
        await log.append(topic, [record('k', 0)]);
        await waitFor('the record delivered', () => got.length === 1, 2000);
      } finally {
        await sub.close();
      }
    });

    test('with notify off no NOTIFY is sent and subscribers still receive appends by polling', async () => {
      const quiet = client({ ...FAST, notify: false });
      const topic = await newTopic(1);
      const notified: string[] = [];
      const unlisten = await db.listen(EVENT_LOG_CHANNEL, (payload) => notified.push(payload));
      const got: number[] = [];
      const sub = await quiet.subscribe({
        group: uniqueName('group'),
        topic,
        onBatch: async (b) => void got.push(...b.records.map((r) => r.offset)),
      });
      try {
        await quiet.append(topic, [record('k', 0), record('k', 1)]);
        await waitFor('both records delivered', () => got.length === 2);
        assert.ok(!notified.includes(topic));
      } finally {
        await sub.close();
        await unlisten();
      }
    });
  });
}
