// When a subscription commits its offsets: at most every commitEveryMs while records flow, at once after an idle
// round, before another assignment's deliveries, and on flush; never an empty OffsetCommit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Consumer } from '@platformatic/kafka';
import type { Delivery } from '../../../src/log/kafka/delivery.ts';
import { pendingCommits } from '../../../src/log/kafka/pending-commits.ts';

function fakeDelivery() {
  const commits: Array<Array<[number, number]>> = [];
  const consumer = {
    commit: async ({ offsets }: { offsets: Array<{ partition: number; offset: bigint }> }) => {
      commits.push(offsets.map((o) => [o.partition, Number(o.offset)]));
    },
  } as unknown as Consumer;
  const delivery: Delivery<string> = {
    consumer,
    topic: 't',
    maxBatch: 10,
    onBatch: async () => {},
    isCurrent: () => true,
    isStopping: () => false,
  };
  return { delivery, commits };
}

test('handled rounds inside the interval share one commit, made by the next idle round', async () => {
  const { delivery, commits } = fakeDelivery();
  const pending = pendingCommits(delivery, 60_000);
  (await pending.of('g1')).set(0, { offset: 5, leaderEpoch: 0 });
  await pending.afterRound(true);
  (await pending.of('g1')).set(0, { offset: 9, leaderEpoch: 0 });
  (await pending.of('g1')).set(1, { offset: 3, leaderEpoch: 0 });
  await pending.afterRound(true);
  assert.deepEqual(commits, [], 'nothing committed while records flow inside the interval');
  await pending.afterRound(false);
  assert.deepEqual(commits, [
    [
      [0, 9],
      [1, 3],
    ],
  ]);
  await pending.afterRound(false);
  assert.equal(commits.length, 1, 'nothing pending: no empty commit');
});

test('with an interval of 0 every handled round commits', async () => {
  const { delivery, commits } = fakeDelivery();
  const pending = pendingCommits(delivery, 0);
  for (const offset of [4, 8]) {
    (await pending.of('g1')).set(2, { offset, leaderEpoch: 1 });
    await pending.afterRound(true);
  }
  assert.deepEqual(commits, [[[2, 4]], [[2, 8]]]);
});

test("another assignment's deliveries start after the previous assignment's offsets were committed", async () => {
  const { delivery, commits } = fakeDelivery();
  const pending = pendingCommits(delivery, 60_000);
  (await pending.of('g1')).set(0, { offset: 7, leaderEpoch: 0 });
  await pending.afterRound(true);
  const next = await pending.of('g2');
  assert.deepEqual(commits, [[[0, 7]]]);
  assert.equal(next.size, 0, 'the new assignment starts with nothing pending');
  next.set(3, { offset: 1, leaderEpoch: 0 });
  await pending.flush();
  assert.deepEqual(commits, [[[0, 7]], [[3, 1]]], 'flush (stopping) commits what is pending');
});
