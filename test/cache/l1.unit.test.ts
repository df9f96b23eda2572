// L1 validity: local generations make an invalidation during a load stick, and a bounded generation
// map that forgets a tag errs towards a miss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createL1, type L1Entry } from '../../src/cache/l1.ts';

const entry = (value: unknown, tick: number, tags: string[] = []): L1Entry => ({
  value,
  deltaMs: 1,
  expiry: Date.now() + 60_000,
  tags,
  tick,
});

test('a stored entry is returned while nothing it depends on was invalidated', () => {
  const l1 = createL1();
  l1.set('customer:1', entry('a', l1.tick(), ['t']));
  assert.equal(l1.get('customer:1', ['t'])?.value, 'a');
  assert.equal(l1.get('customer:1', ['other']), undefined, 'different tags = a different entry');
});

test('invalidating a key or a tag drops the entry', () => {
  const l1 = createL1();
  l1.set('a', entry(1, l1.tick(), ['t']));
  l1.set('b', entry(2, l1.tick(), ['t']));
  l1.set('c', entry(3, l1.tick(), ['u']));
  l1.invalidate(['a'], []);
  assert.equal(l1.get('a', ['t']), undefined);
  l1.invalidate([], ['t']);
  assert.equal(l1.get('b', ['t']), undefined);
  assert.equal(l1.get('c', ['u'])?.value, 3);
});

test('a value whose load started before an invalidation is never served', () => {
  const l1 = createL1();
  const tick = l1.tick(); // the load starts
  l1.invalidate(['k'], ['t']); // the write lands meanwhile
  l1.set('k', entry('old', tick, ['t'])); // the load finishes with the old value
  assert.equal(l1.get('k', ['t']), undefined);
  const fresh = l1.tick();
  l1.set('k', entry('new', fresh, ['t']));
  assert.equal(l1.get('k', ['t'])?.value, 'new');
});

test('flush drops everything, including loads in flight', () => {
  const l1 = createL1();
  const tick = l1.tick();
  l1.set('a', entry(1, tick));
  l1.flush();
  assert.equal(l1.size, 0);
  l1.set('b', entry(2, tick));
  assert.equal(l1.get('b', []), undefined);
});

test('a forgotten generation turns older entries into misses', () => {
  const l1 = createL1({ maxGenerations: 2 });
  l1.set('x', entry('x', l1.tick(), ['t1']));
  l1.invalidate([], ['t1']);
  l1.invalidate([], ['t2']);
  l1.invalidate([], ['t3']); // t1 leaves the map
  l1.set('y', entry('y', 0, ['t1']));
  assert.equal(l1.get('y', ['t1']), undefined);
});

test('entries are bounded by count', () => {
  const l1 = createL1({ maxEntries: 3 });
  for (let i = 0; i < 10; i++) l1.set(`k${i}`, entry(i, l1.tick()));
  assert.equal(l1.size, 3);
});
