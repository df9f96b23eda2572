// The replay service the API and CLI use: named handlers, the job registry, snapshotters, and the
// module's functions bound to one log and database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeliveredEvent, EventHandler } from '../../src/log/consumer-runner.ts';
import { READ_MODELS } from '../../src/application/read-model/tables.ts';
import { createReplayService, type ReplayService } from '../../src/replay/index.ts';
import { buildWorkload, codec, DAY, T0 } from './workload.ts';
import { seededWorld, type ReplayWorld } from './fixture.ts';

const workload = buildWorkload(4);

describe('replay service', () => {
  let world: ReplayWorld;
  let topic: string;
  let service: ReplayService;
  const seen: DeliveredEvent[] = [];
  let mailed = 0;
  const projector: EventHandler = { name: 'projector', replaySafe: true, handle: async (e) => void seen.push(...e) };
  const mailer: EventHandler = { name: 'mailer', replaySafe: false, handle: async () => void (mailed += 1) };
  before(async () => {
    ({ world, topic } = await seededWorld(workload.events, 2));
    service = createReplayService({
      log: world.log,
      codec,
      db: world.db,
      handlers: [projector, mailer],
      readModels: READ_MODELS,
      snapshotEvery: 10,
    });
  });
  after(async () => {
    await service.close();
    await world.close();
  });

  test('a replay names its handlers; unknown names are refused; the job is listed', async () => {
    const run = await service.replay({ topic, target: { kind: 'handlers', names: ['projector', 'mailer'] } });
    const done = await run.done;
    assert.equal(seen.length, workload.events.length);
    assert.equal(mailed, 0);
    assert.deepEqual(done.skippedHandlers, ['mailer']);
    assert.equal(service.job(run.id), run);
    assert.ok(service.jobs().some((j) => j.id === run.id && j.status === 'COMPLETED'));
    await assert.rejects(service.replay({ topic, target: { kind: 'handlers', names: ['nope'] } }), {
      code: 'UNKNOWN_HANDLERS',
    });
    await assert.rejects(service.replay({ topic: 'no-such-topic', target: { kind: 'sandbox' } }), {
      code: 'NOT_FOUND',
    });
  });

  test('the snapshotter it starts feeds its reconstructions', async () => {
    const snapshotter = service.startSnapshotter(topic);
    assert.equal(service.startSnapshotter(topic), snapshotter, 'one per topic');
    await snapshotter.catchUp();
    assert.ok((await service.snapshots.list(topic)).length > 0);
    const at = T0 + 33 * DAY;
    const got = await service.reconstructCustomer(topic, 'cus-3', at);
    assert.deepEqual(got.view, workload.viewAt('cus-3', at));
    assert.notEqual(got.fold.snapshotOffset, null);
    const system = await service.reconstructSystem(topic, at);
    assert.equal(Object.keys(system.customers).length, 4);
  });

  test('offsets, estimates, timeline and diff through the service', async () => {
    assert.equal((await service.topicOffsets(topic)).count, workload.events.length);
    assert.equal(await service.countEvents(topic), workload.events.length);
    const estimate = await service.estimate(topic, { startTime: T0, endTime: T0 + DAY, speed: 'FAST' });
    assert.equal(estimate.estimatedMs, DAY / 10);
    const page = await service.timeline({ topic, maxEvents: 5 });
    assert.equal(page.events.length, 5);
    const diff = await service.diff(topic, T0, T0 + 40 * DAY, 'cus-0');
    assert.ok(diff.changes.length > 0);
  });

  test('rebuild through the service uses the read models it was given', async () => {
    const result = await service.rebuildReadModels(topic);
    assert.equal(result.events, workload.events.length);
    assert.equal(result.rows['customer'], 4);
  });
});
