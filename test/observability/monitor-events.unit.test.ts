import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createOperationMetrics } from '../../src/observability/instrument.ts';
import { monitorCommands, monitorHandler } from '../../src/observability/monitor-events.ts';

const ev = (type: string) => ({ event: { type } });

test('monitorHandler: a batch is one observation per event type; failures are errors of the component', async () => {
  const registry = new Registry();
  const metrics = createOperationMetrics(registry);
  let fail = false;
  const handler = monitorHandler(
    {
      name: 'cache-invalidation',
      replaySafe: true,
      handle: async (_events: ReadonlyArray<{ event: { type: string } }>) => {
        if (fail) throw Object.assign(new Error('redis down'), { code: 'ECONNREFUSED' });
      },
    },
    metrics,
    'event',
  );
  assert.equal(handler.replaySafe, true, 'other handler fields are kept');
  await handler.handle([ev('a.v1'), ev('a.v1'), ev('b.v1')]);
  fail = true;
  await assert.rejects(handler.handle([ev('a.v1')]), /redis down/);
  const text = await registry.metrics();
  assert.match(text, /bss_event_processing_duration_seconds_count\{type="a.v1",component="event"\} 1/);
  assert.match(text, /bss_event_processing_duration_seconds_count\{type="b.v1",component="event"\} 1/);
  assert.match(
    text,
    /bss_operation_duration_seconds_count\{component="event",operation="cache-invalidation",outcome="error"\} 1/,
  );
  assert.match(text, /bss_errors_total\{component="event",code="ECONNREFUSED"\} 1/);
});

test('monitorCommands: committed event types are observed under component api, an empty commit is not', async () => {
  const registry = new Registry();
  const metrics = createOperationMetrics(registry);
  const envelopes = [[{ type: 'x.v1' }, { type: 'y.v1' }], []];
  const bus = monitorCommands(
    { topic: 't', run: async (n: number) => ({ envelopes: envelopes[n] ?? [], result: n }) },
    metrics,
  );
  assert.equal(bus.topic, 't');
  assert.equal((await bus.run(0)).result, 0);
  await bus.run(1);
  const text = await registry.metrics();
  assert.match(text, /bss_event_processing_duration_seconds_count\{type="x.v1",component="api"\} 1/);
  assert.match(text, /bss_event_processing_duration_seconds_count\{type="y.v1",component="api"\} 1/);
});
