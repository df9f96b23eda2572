// The filtered histogram's contract (histogram-contract.ts) on the embedded database log (PGlite).
import { after, before, describe } from 'node:test';
import { memoryWorld, type ReplayWorld } from '../fixture.ts';
import { histogramContract } from './histogram-contract.ts';

describe('filtered histogram on PGlite', () => {
  let world: ReplayWorld;
  before(async () => {
    world = await memoryWorld();
  });
  after(() => world.close());
  histogramContract(() => world);
});
