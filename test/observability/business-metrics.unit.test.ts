import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createBusinessMetrics } from '../../src/observability/business-metrics.ts';

const envelope = (entityAction: string, subject: string, time: string) => ({
  type: `com.droid.bss.${entityAction}.v1`,
  subject,
  time,
  data: { customerId: 'c1', at: time },
});

test('committed events feed events, orders, payments and order duration metrics', async () => {
  const registry = new Registry();
  const metrics = createBusinessMetrics(registry, async () => ({ ACTIVE: 3, SUSPENDED: 1 }));
  metrics.committed({ envelopes: [envelope('order.placed', 'o1', '2026-01-01T10:00:00Z')], changed: [] }, 'pglite');
  metrics.committed(
    {
      envelopes: [
        envelope('order.completed', 'o1', '2026-01-01T10:00:02.5Z'),
        envelope('subscription.activated', 's1', '2026-01-01T10:00:02.5Z'),
      ],
      changed: [{ kind: 'order', id: 'o1', state: { placedAt: '2026-01-01T10:00:00Z' } }],
    },
    'pglite',
  );
  metrics.committed(
    {
      envelopes: [envelope('payment.captured', 'p1', '2026-01-01T10:01:00Z')],
      changed: [{ kind: 'payment', id: 'p1', state: { method: 'card' } }],
    },
    'kafka',
  );
  metrics.rejected(2);
  const text = await registry.metrics();
  assert.match(text, /bss_events_total\{type="com.droid.bss.order.placed.v1",component="pglite"\} 1/);
  assert.match(text, /bss_events_total\{type="com.droid.bss.payment.captured.v1",component="kafka"\} 1/);
  assert.match(text, /bss_orders_total\{status="PLACED"\} 1/);
  assert.match(text, /bss_orders_total\{status="COMPLETED"\} 1/);
  assert.match(text, /bss_payments_total\{status="CAPTURED",method="card"\} 1/);
  assert.match(text, /bss_order_processing_duration_seconds_sum 2.5/);
  assert.match(text, /bss_order_processing_duration_seconds_count 1/);
  assert.match(text, /bss_event_size_bytes_count 4/);
  assert.match(text, /bss_customers\{status="ACTIVE"\} 3/);
  assert.match(text, /bss_current_event_rate 0.4/);
  assert.match(text, /bss_offered_event_rate 0.6/);
});
