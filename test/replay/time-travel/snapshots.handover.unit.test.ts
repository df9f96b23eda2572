// On the embedded log (PGlite): a snapshotter continues from the latest snapshot another one saved.
import { after, before, test } from 'node:test';
import { memoryWorld, type ReplayWorld } from '../fixture.ts';
import { snapshotterHandover } from '../snapshotter-handover.ts';

let world: ReplayWorld;
before(async () => {
  world = await memoryWorld();
});
after(() => world.close());

test('a later snapshotter reads only the records after the latest snapshots (PGlite)', async () => {
  await snapshotterHandover(world.db, world.log, await world.newTopic(3));
});
