// On PostgreSQL: the snapshotter continues from the latest snapshot another one saved, and the
// leadership that makes one worker or instance of a deployment run it moves when its holder goes.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPostgresDb } from '../../../src/store/postgres-db.ts';
import { holdLeadership, type Leadership } from '../../../src/store/leadership.ts';
import { requireEnv, uniqueName } from '../../support/env.ts';
import { waitFor } from '../../support/wait.ts';
import { postgresLogSchema } from '../../support/postgres-log.ts';
import { snapshotterHandover } from '../snapshotter-handover.ts';

const url = requireEnv('BSS_DATABASE_URL');

describe('snapshotter on PostgreSQL', () => {
  const pg = postgresLogSchema('snapshotter');

  test('a later snapshotter reads only the records after the latest snapshots', async () => {
    await pg.log.ensureTopic('snapshots', { partitions: 3 });
    await snapshotterHandover(pg.db, pg.log, 'snapshots');
  });
});

describe('leadership (pg_try_advisory_lock on a dedicated connection)', () => {
  const name = uniqueName('bss:test:leader');
  const events: string[] = [];
  const candidates: Leadership[] = [];
  const candidate = (id: string) => {
    const leadership = holdLeadership({
      url,
      name,
      retryMs: 100,
      lead: () => void events.push(`${id} leads`),
      follow: () => void events.push(`${id} follows`),
    });
    candidates.push(leadership);
    return leadership;
  };
  after(() => Promise.all(candidates.map((c) => c.stop())));

  test('one candidate leads; when it stops or its connection dies, another takes over', async () => {
    const a = candidate('a');
    await waitFor('a leads', () => a.isLeader());
    const b = candidate('b');
    const c = candidate('c');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual([a.isLeader(), b.isLeader(), c.isLeader()], [true, false, false]);

    await a.stop();
    await waitFor('b or c leads after a stopped', () => b.isLeader() || c.isLeader());
    const [leader, other] = b.isLeader() ? [b, c] : [c, b];
    assert.equal(other.isLeader(), false);

    // The leader's connection killed from outside (a crash, a network cut): the lock goes with it.
    const admin = await createPostgresDb({ url });
    try {
      const { rowCount } = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks
          WHERE locktype = 'advisory' AND granted AND objid::bigint = (hashtext($1)::bigint & 4294967295)`,
        [name],
      );
      assert.equal(rowCount, 1);
    } finally {
      await admin.close();
    }
    const old = leader === b ? 'b' : 'c';
    await waitFor('the old leader knows it no longer leads', () => events.includes(`${old} follows`));
    await waitFor('a leader again', () => b.isLeader() || c.isLeader());
    assert.notEqual(b.isLeader(), c.isLeader(), 'exactly one leads');
    assert.deepEqual(events.slice(0, 2), ['a leads', 'a follows']);
    assert.ok(other);
  });
});
