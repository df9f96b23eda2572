// The consumer registry: pausing a group stops exactly this process's members of it and the returned
// function starts them again (restore moves a group's offsets in between).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConsumerRegistry } from '../../src/log/consumer-registry.ts';
import type { RunningConsumer } from '../../src/log/consumer-runner.ts';

function fakeConsumers() {
  const events: string[] = [];
  const starter = (group: string, n: number) => async (): Promise<RunningConsumer> => {
    events.push(`start ${group}#${n}`);
    return {
      group,
      assignment: () => [],
      status: () => ({ consuming: true }),
      stop: async () => void events.push(`stop ${group}#${n}`),
    };
  };
  return { events, starter };
}

test('pause stops the group members only, resume starts them again', async () => {
  const registry = createConsumerRegistry();
  const { events, starter } = fakeConsumers();
  await registry.start('a', starter('a', 1));
  await registry.start('a', starter('a', 2));
  await registry.start('b', starter('b', 1));
  assert.ok(registry.runs('a') && registry.runs('b') && !registry.runs('c'));
  events.length = 0;

  const resume = await registry.pause('a');
  assert.deepEqual(events.sort(), ['stop a#1', 'stop a#2']);
  assert.equal(registry.runs('a'), false);
  await resume();
  assert.deepEqual(events.slice(2).sort(), ['start a#1', 'start a#2']);
  assert.equal(registry.runs('a'), true);

  events.length = 0;
  await registry.stop('b');
  assert.deepEqual(events, ['stop b#1']);
  assert.equal(registry.runs('b'), false);
  events.length = 0;
  await registry.stopAll();
  assert.deepEqual(events.sort(), ['stop a#1', 'stop a#2']);
  assert.equal(registry.runs('a'), false);
});
