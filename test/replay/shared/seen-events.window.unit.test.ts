// The window of ids a fold remembers: the last `capacity` first sightings, the oldest forgotten first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeenEvents } from '../../../src/replay/shared/seen-events.ts';

test('an id is new once while the window holds it; the oldest is forgotten first', () => {
  const seen = new SeenEvents([], 3);
  assert.deepEqual(
    ['a', 'b', 'c', 'a'].map((id) => seen.firstSighting(id)),
    [true, true, true, false],
  );
  assert.equal(seen.firstSighting('d'), true); // a is forgotten
  assert.equal(seen.firstSighting('b'), false);
  assert.equal(seen.firstSighting('a'), true); // b is forgotten
  assert.equal(seen.firstSighting('b'), true);
  assert.deepEqual(seen.newest(10), ['d', 'a', 'b']);
  assert.deepEqual(seen.newest(2), ['a', 'b']);
});

test('newest before the window is full, and a window resumed from a saved list', () => {
  const seen = new SeenEvents([], 5);
  for (const id of ['a', 'b']) seen.firstSighting(id);
  assert.deepEqual(seen.newest(5), ['a', 'b']);
  const resumed = new SeenEvents(['a', 'b', 'c', 'd'], 3);
  assert.deepEqual(resumed.newest(3), ['b', 'c', 'd']);
  assert.equal(resumed.firstSighting('a'), true);
  assert.equal(resumed.firstSighting('d'), false);
});

test('a million sightings through a window of 1,000 keep exactly the last 1,000, in order', () => {
  const seen = new SeenEvents([], 1000);
  for (let i = 0; i < 1_000_000; i++) seen.firstSighting(`e${i}`);
  const expected = Array.from({ length: 1000 }, (_, k) => `e${999_000 + k}`);
  assert.deepEqual(seen.newest(5000), expected);
  assert.equal(seen.firstSighting('e999000'), false);
  assert.equal(seen.firstSighting('e998999'), true);
});
