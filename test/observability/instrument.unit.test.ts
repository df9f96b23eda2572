import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createOperationMetrics, errorCode, instrument } from '../../src/observability/instrument.ts';
import { SlidingRate } from '../../src/observability/sliding-rate.ts';

test('instrument() counts and times calls by component and operation, and errors by code', async () => {
  const registry = new Registry();
  const metrics = createOperationMetrics(registry);
  const ok = instrument(metrics, 'order', 'place', async (n: number) => n * 2);
  const failing = instrument(metrics, 'payment', 'capture', async () => {
    throw Object.assign(new Error('gateway down'), { code: 'GATEWAY_TIMEOUT' });
  });
  assert.equal(await ok(21), 42);
  assert.equal(await ok(1), 2);
  await assert.rejects(failing(), /gateway down/);
  const text = await registry.metrics();
  assert.match(text, /bss_operation_duration_seconds_count\{component="order",operation="place",outcome="ok"\} 2/);
  assert.match(
    text,
    /bss_operation_duration_seconds_count\{component="payment",operation="capture",outcome="error"\} 1/,
  );
  assert.match(text, /bss_errors_total\{component="payment",code="GATEWAY_TIMEOUT"\} 1/);
});

test('errorCode prefers a stable code and falls back to the class name', () => {
  assert.equal(errorCode(Object.assign(new Error('x'), { code: '40P01' })), '40P01');
  assert.equal(errorCode(new TypeError('x')), 'TypeError');
  assert.equal(errorCode(Object.assign(new Error('x'), { code: 'has spaces in it' })), 'Error');
  assert.equal(errorCode('a string'), 'UNKNOWN');
});

test('SlidingRate averages whole seconds over its window and forgets older ones', () => {
  let now = 1_000_000;
  const rate = new SlidingRate(10, () => now);
  rate.add(50);
  now += 1000;
  rate.add(30);
  assert.equal(rate.perSecond(), 8);
  now += 9000; // the first second has left the window
  assert.equal(rate.perSecond(), 3);
  now += 1000;
  assert.equal(rate.perSecond(), 0);
});
