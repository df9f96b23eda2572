// Time travel on the embedded log: the state at T equals foldCustomerView over the events up to T,
// with and without state snapshots; the whole system; the diff between two times.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createSnapshotStore,
  createSnapshotter,
  diffStates,
  reconstructCustomer,
  reconstructSystem,
} from '../../../src/replay/index.ts';
import { appendWorkload, buildWorkload, codec, DAY, T0 } from '../workload.ts';
import { seededWorld, type ReplayWorld } from '../fixture.ts';

const workload = buildWorkload(6);
const TIMES = [T0 - DAY, T0, T0 + 2 * DAY + 3_600_000, T0 + 10 * DAY, T0 + 31 * DAY + 3 * 3_600_000, T0 + 60 * DAY];

describe('reconstruction', () => {
  let world: ReplayWorld;
  let topic: string;
  before(async () => {
    ({ world, topic } = await seededWorld(workload.events, 3));
  });
  after(() => world.close());

  test('a customer at several times equals foldCustomerView over the events up to then', async () => {
    const deps = { log: world.log, codec };
    for (const at of TIMES) {
      for (const customerId of workload.customers) {
        const got = await reconstructCustomer(deps, { topic, customerId, at });
        assert.deepEqual(got.view, workload.viewAt(customerId, at), `${customerId} at ${new Date(at).toISOString()}`);
      }
    }
  });

  test('an event stamped exactly T is part of the state at T', async () => {
    const event = workload.events[40]!;
    const at = Date.parse(event.data.at);
    const got = await reconstructCustomer({ log: world.log, codec }, { topic, customerId: event.data.customerId, at });
    assert.equal(got.view.asOf, workload.viewAt(event.data.customerId, at).asOf);
    assert.ok(Date.parse(got.view.asOf ?? '') <= at);
  });

  test('with snapshots every 5 records the answers are the same, and at most ~5 records are folded', async () => {
    const store = createSnapshotStore(world.db);
    const snapshotter = createSnapshotter({ log: world.log, codec, store, topic, every: 5 });
    const saved = await snapshotter.catchUp();
    const offsets = await world.log.offsets(topic);
    assert.equal(
      saved,
      offsets.reduce((s, p) => s + Math.floor(p.end / 5), 0),
    );
    const withSnapshots = { log: world.log, codec, snapshots: store };
    for (const at of TIMES) {
      for (const customerId of workload.customers) {
        const got = await reconstructCustomer(withSnapshots, { topic, customerId, at });
        assert.deepEqual(got.view, workload.viewAt(customerId, at));
        assert.ok(got.fold.foldedRecords < 5, `folded ${got.fold.foldedRecords} records after the snapshot`);
        if (got.fold.offset >= 5) assert.notEqual(got.fold.snapshotOffset, null);
      }
    }
    const system = await reconstructSystem(withSnapshots, { topic, at: T0 + 20 * DAY });
    const plain = await reconstructSystem({ log: world.log, codec }, { topic, at: T0 + 20 * DAY });
    assert.deepEqual(system.customers, plain.customers);
    // A restarted snapshotter resumes from its latest snapshots: nothing new to save.
    assert.equal(await createSnapshotter({ log: world.log, codec, store, topic, every: 5 }).catchUp(), 0);
    await snapshotter.stop();
  });

  test('trusted records are folded without validating again, to the same snapshots', async () => {
    const store = createSnapshotStore(world.db);
    let validated = 0;
    const counting = {
      ...codec,
      decode: (...args: Parameters<typeof codec.decode>) => (validated++, codec.decode(...args)),
    };
    const topics = [await world.newTopic(2), await world.newTopic(2)];
    for (const t of topics) await appendWorkload(world.log, t, workload.events.slice(0, 40));
    const [plain, trusted] = topics as [string, string];
    await createSnapshotter({ log: world.log, codec: counting, store, topic: plain, every: 10 }).catchUp();
    assert.equal(validated, 40, 'every record validated');
    validated = 0;
    await createSnapshotter({
      log: world.log,
      codec: counting,
      store,
      topic: trusted,
      every: 10,
      trusted: () => true,
    }).catchUp();
    assert.equal(validated, 0, 'no trusted record validated again');
    const latest = async (t: string) =>
      Promise.all([0, 1].map(async (partition) => (await store.latest(t, partition))?.views));
    assert.deepEqual(await latest(trusted), await latest(plain));
    assert.ok((await latest(plain)).every((views) => views && views.size > 0));
  });

  test('the background snapshotter picks up new appends', async () => {
    const own = await world.newTopic(2);
    const store = createSnapshotStore(world.db);
    const snapshotter = createSnapshotter({ log: world.log, codec, store, topic: own, every: 10, pollMs: 20 }).start();
    try {
      await appendWorkload(world.log, own, workload.events.slice(0, 60));
      const deadline = Date.now() + 5000;
      while ((await store.list(own)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok((await store.list(own)).length > 0);
    } finally {
      await snapshotter.stop();
    }
  });

  test('the whole system at T holds every customer seen by then, each equal to its fold', async () => {
    const at = T0 + 3 * 3_600_000;
    const system = await reconstructSystem({ log: world.log, codec }, { topic, at });
    const expected = workload.customers.filter((c) => workload.viewAt(c, at).asOf !== null);
    assert.deepEqual(Object.keys(system.customers).sort(), expected.sort());
    for (const id of expected) assert.deepEqual(system.customers[id], workload.viewAt(id, at));
    const now = await reconstructSystem({ log: world.log, codec }, { topic });
    assert.equal(Object.keys(now.customers).length, workload.customers.length);
  });

  test('diff: field changes between two times and the events that made them', async () => {
    const from = T0 + 30 * DAY;
    const to = T0 + 40 * DAY;
    const customerId = 'cus-1';
    const diff = await diffStates({ log: world.log, codec }, { topic, from, to, customerId });
    assert.deepEqual(diff.after[customerId], workload.viewAt(customerId, to));
    assert.deepEqual(diff.before[customerId], workload.viewAt(customerId, from));
    const balance = diff.changes.find((c) => c.path === 'balance.balance');
    assert.deepEqual([balance?.before, balance?.after], [0, -500]);
    assert.deepEqual(
      diff.events.map((e) => e.type),
      ['invoice.issued', 'payment.authorized', 'payment.captured', 'payment.applied', 'invoice.paid'].map(
        (t) => `com.droid.bss.${t}.v1`,
      ),
    );
    assert.ok(diff.events.every((e) => e.timestamp > from && e.timestamp <= to));
  });
});
