// The console's live numbers from two registry readings: rates over the window, quantiles from
// histogram bucket differences (as PromQL's histogram_quantile), ratios, absent metrics as null.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { histogramQuantile, readRegistry, sampleOf } from '../../src/observability/live-metrics.ts';

test('histogramQuantile interpolates inside the bucket, like Prometheus', () => {
  const buckets = new Map([
    [0.1, 50],
    [0.5, 90],
    [1, 100],
    [Infinity, 100],
  ]);
  assert.equal(histogramQuantile(0.5, buckets), 0.1);
  assert.ok(Math.abs(histogramQuantile(0.7, buckets)! - 0.3) < 1e-9);
  assert.ok(Math.abs(histogramQuantile(0.95, buckets)! - 0.75) < 1e-9);
  assert.equal(histogramQuantile(0.5, new Map([[Infinity, 0]])), null);
});

test('sampleOf: rates, latency and ratios over the window only; no shed metric → null', async () => {
  const registry = new Registry();
  const events = new Counter({
    name: 'bss_events_total',
    help: 'e',
    labelNames: ['type', 'component'],
    registers: [registry],
  });
  const http = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'h',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.1, 1],
    registers: [registry],
  });
  const cache = new Counter({
    name: 'bss_cache_requests_total',
    help: 'c',
    labelNames: ['cache', 'level', 'result'],
    registers: [registry],
  });
  new Gauge({ name: 'bss_consumer_lag', help: 'l', labelNames: ['group', 'topic', 'partition'], registers: [registry] })
    .labels({ group: 'g', topic: 't', partition: '0' })
    .set(7);
  // Before the window: slow requests and other events, which must not count.
  events.inc({ type: 'customer.created', component: 'pglite' }, 100);
  for (let i = 0; i < 10; i++) http.observe({ method: 'GET', route: '/x', status_code: '200' }, 5);
  const then = await readRegistry(registry, 0);

  events.inc({ type: 'customer.created', component: 'pglite' }, 20);
  events.inc({ type: 'order.placed', component: 'pglite' }, 10);
  for (let i = 0; i < 9; i++) http.observe({ method: 'GET', route: '/x', status_code: '200' }, 0.05);
  http.observe({ method: 'POST', route: '/y', status_code: '503' }, 0.05);
  cache.inc({ cache: 'customer', level: 'l1', result: 'hit' }, 3);
  cache.inc({ cache: 'customer', level: 'l1', result: 'miss' }, 1);
  const sample = sampleOf(await readRegistry(registry, 10_000), then);

  assert.deepEqual(sample.eventsByType, { 'customer.created': 2, 'order.placed': 1 });
  assert.equal(sample.requestsPerSecond, 1);
  assert.equal(sample.errorRate, 0.1);
  assert.ok(sample.latency.p99! <= 0.1, 'the slow requests before the window do not count');
  assert.deepEqual(sample.cacheHitRatio, { l1: 0.75 });
  assert.deepEqual(sample.consumerLag, { g: 7 });
  assert.equal(sample.outboxBacklog, null);
  assert.equal(sample.shedPerSecond, null);
});
