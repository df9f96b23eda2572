// The batcher on its own, with a fake processor: natural batching (alone when idle, together while a
// batch is in flight), the count and weight bounds, outcomes per item, and its load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBatcher, type Outcome } from '../../src/application/batcher.ts';

/** A processor that records its batches and finishes each when told. */
function recorder() {
  const batches: number[][] = [];
  const finish: Array<() => void> = [];
  const process = (items: readonly number[]) => {
    batches.push([...items]);
    return new Promise<Array<Outcome<number>>>((resolve) => {
      finish.push(() =>
        resolve(items.map((n) => (n < 0 ? { ok: false, error: new Error(`bad ${n}`) } : { ok: true, value: n * 10 }))),
      );
    });
  };
  return { batches, finish, process };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

test('an idle batcher starts at once; what arrives meanwhile goes together in the next batch', async () => {
  const r = recorder();
  const batcher = createBatcher({ process: r.process });
  const first = batcher.submit(1);
  await turn();
  assert.deepEqual(r.batches, [[1]]);
  const rest = [2, 3, 4].map((n) => batcher.submit(n));
  await turn();
  assert.deepEqual(r.batches, [[1]], 'gathered while one batch is in flight');
  assert.equal(batcher.load().queued, 3);
  assert.equal(batcher.load().inFlight, 1);
  r.finish[0]?.();
  assert.equal(await first, 10);
  await turn();
  assert.deepEqual(r.batches, [[1], [2, 3, 4]]);
  r.finish[1]?.();
  assert.deepEqual(await Promise.all(rest), [20, 30, 40]);
  assert.deepEqual(batcher.load(), { queued: 0, oldestWaitMs: 0, inFlight: 0 });
});

test('batches are bounded by count and by weight; a heavy item goes alone', async () => {
  const r = recorder();
  const batcher = createBatcher({ process: r.process, maxItems: 3, maxWeight: 10, weightOf: (n: number) => n });
  const all = [1, 2, 3, 4, 5, 50, 1].map((n) => batcher.submit(n));
  for (let i = 0; i < 4; i++) {
    await turn();
    r.finish[i]?.();
  }
  await Promise.all(all);
  assert.deepEqual(r.batches, [[1, 2, 3], [4, 5], [50], [1]]);
});

test('each item gets its own outcome; a processor that throws fails its batch only', async () => {
  let calls = 0;
  const batcher = createBatcher<number, number>({
    process: async (items) => {
      calls += 1;
      if (calls === 2) throw new Error('down');
      return items.map((n) => (n < 0 ? { ok: false, error: new Error(`bad ${n}`) } : { ok: true, value: n }));
    },
  });
  const settled = await Promise.allSettled([batcher.submit(1), batcher.submit(-1), batcher.submit(2)]);
  assert.deepEqual(
    settled.map((s) => s.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  await assert.rejects(batcher.submit(3), /down/);
  assert.equal(await batcher.submit(4), 4);
});

test('concurrency 2: a second batch starts while the first is in flight', async () => {
  const r = recorder();
  const batcher = createBatcher({ process: r.process, concurrency: 2 });
  const a = batcher.submit(1);
  await turn();
  const b = batcher.submit(2);
  const c = batcher.submit(3);
  await turn();
  assert.deepEqual(r.batches, [[1], [2, 3]]);
  r.finish.forEach((f) => f());
  assert.deepEqual(await Promise.all([a, b, c]), [10, 20, 30]);
});

test('overlapWeight: a second batch starts only once that much weight waits', async () => {
  const r = recorder();
  const batcher = createBatcher({ process: r.process, concurrency: 2, overlapWeight: 10, weightOf: (n: number) => n });
  const all = [batcher.submit(1)];
  await turn();
  all.push(batcher.submit(2), batcher.submit(3));
  await turn();
  assert.deepEqual(r.batches, [[1]], 'light items wait for the batch in flight');
  all.push(batcher.submit(5));
  await turn();
  assert.deepEqual(r.batches, [[1], [2, 3, 5]], '10 waiting: a second batch overlaps the first');
  assert.equal(batcher.load().inFlight, 2);
  r.finish.forEach((f) => f());
  assert.deepEqual(await Promise.all(all), [10, 20, 30, 50]);
});

test('load() reports how long the oldest waiting item has waited', async () => {
  let now = 0;
  const r = recorder();
  const batcher = createBatcher({ process: r.process, now: () => now });
  const first = batcher.submit(1);
  await turn();
  now = 5;
  const second = batcher.submit(2);
  now = 30;
  assert.deepEqual(batcher.load(), { queued: 1, oldestWaitMs: 25, inFlight: 1 });
  r.finish[0]?.();
  await first;
  await turn();
  r.finish[1]?.();
  await second;
});

test('spacingMs: while many callers stream in, light items wait out the spacing together', async () => {
  let now = 0;
  const r = recorder();
  const batcher = createBatcher({ process: r.process, overlapWeight: 10, spacingMs: 40, now: () => now });
  const all = [batcher.submit(1)];
  await turn();
  all.push(batcher.submit(2), batcher.submit(3));
  r.finish[0]?.();
  await all[0];
  await turn();
  assert.deepEqual(r.batches, [[1], [2, 3]], 'a lone item and the first pair start at once');
  r.finish[1]?.();
  now = 10;
  all.push(batcher.submit(4));
  await turn();
  assert.deepEqual(r.batches.length, 2, 'after a batch of two, 10 ms after its start: it waits');
  all.push(batcher.submit(5));
  now = 40;
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.deepEqual(r.batches, [[1], [2, 3], [4, 5]], 'the spacing over, what waited goes in one batch');
  r.finish[2]?.();
  now = 1000;
  all.push(batcher.submit(6));
  await turn();
  assert.deepEqual(r.batches.at(-1), [6], 'long after the last start: at once');
  r.finish[3]?.();
  assert.deepEqual(await Promise.all(all), [10, 20, 30, 40, 50, 60]);
});

test('spacingMs: a lone caller, heavy work and a full batch do not wait for it', async () => {
  const r = recorder();
  const weightOf = (n: number) => n;
  const spacingMs = 60_000;
  const batcher = createBatcher({
    process: r.process,
    overlapWeight: 10,
    maxItems: 2,
    spacingMs,
    weightOf,
    now: () => 0,
  });
  for (const n of [1, 2, 3]) {
    const one = batcher.submit(n);
    await turn();
    r.finish[r.finish.length - 1]?.();
    assert.equal(await one, n * 10, 'one item at a time: each batch of one starts at once');
  }
  const pair = [batcher.submit(4), batcher.submit(5)];
  await turn();
  r.finish.at(-1)?.();
  await Promise.all(pair);
  const full = [batcher.submit(6), batcher.submit(7)];
  await turn();
  assert.deepEqual(r.batches.at(-1), [6, 7], 'after a pair, maxItems waiting start at once');
  r.finish.at(-1)?.();
  await Promise.all(full);
  const heavy = batcher.submit(20);
  await turn();
  assert.deepEqual(r.batches.at(-1), [20], 'after a pair, weight ≥ overlapWeight starts at once');
  r.finish.at(-1)?.();
  assert.equal(await heavy, 200);
});
