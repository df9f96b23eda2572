import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { SlidingRate } from './sliding-rate.ts';

/** Structurally the command bus's Committed. */
export interface CommittedFacts {
  readonly envelopes: ReadonlyArray<{
    readonly type: string;
    readonly subject: string;
    readonly time: string;
    readonly data: unknown;
  }>;
  readonly changed: ReadonlyArray<{ readonly kind: string; readonly id: string; readonly state: unknown }>;
  /** One per envelope, in order: their size is the event size. */
  readonly records?: ReadonlyArray<{ readonly value: string }>;
}

export interface BusinessMetrics {
  /** kafka (via the outbox), postgres or pglite. */
  committed(facts: CommittedFacts, component: string): void;
  /** Still offered load. */
  rejected(count: number): void;
}

function entityAndStatus(type: string): [string, string] {
  const parts = type.split('.');
  return [parts[3] ?? 'unknown', (parts[4] ?? 'unknown').toUpperCase()];
}

// Per type, once: a usage batch repeats one type a thousand times.
const typeParts = new Map<string, [string, string]>();
function entityAndStatusOf(type: string): [string, string] {
  let parts = typeParts.get(type);
  if (!parts) typeParts.set(type, (parts = entityAndStatus(type)));
  return parts;
}

export function createBusinessMetrics(
  registry: Registry,
  customersByStatus: () => Promise<Record<string, number>>,
  windowSeconds = 10,
): BusinessMetrics {
  const counters = registerCounters(registry);
  const rate = new SlidingRate(windowSeconds);
  const offered = new SlidingRate(windowSeconds);
  registerGauges(registry, customersByStatus, { rate, offered, windowSeconds });
  return {
    committed(facts, component) {
      countCommitted(counters, facts, component);
      rate.add(facts.envelopes.length);
      offered.add(facts.envelopes.length);
    },
    rejected(count) {
      offered.add(count);
    },
  };
}

function registerCounters(registry: Registry) {
  const byStatus = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ['status'] as const, registers: [registry] });
  return {
    events: new Counter({
      name: 'bss_events_total',
      help: 'Events appended to the log, by CloudEvents type and component',
      labelNames: ['type', 'component'] as const,
      registers: [registry],
    }),
    orders: byStatus('bss_orders_total', 'Order state changes by new status'),
    payments: new Counter({
      name: 'bss_payments_total',
      help: 'Payment state changes by new status and method',
      labelNames: ['status', 'method'] as const,
      registers: [registry],
    }),
    invoices: byStatus('bss_invoices_total', 'Invoice state changes by new status'),
    customers: byStatus('bss_customers_total', 'Customer state changes by new status'),
    orderDuration: new Histogram({
      name: 'bss_order_processing_duration_seconds',
      help: 'From order placed to completed or rejected',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
      registers: [registry],
    }),
    eventSize: new Histogram({
      name: 'bss_event_size_bytes',
      help: 'Size of encoded CloudEvents',
      buckets: [128, 256, 512, 1024, 2048, 4096, 8192, 16384, 65536],
      registers: [registry],
    }),
  };
}

function registerGauges(
  registry: Registry,
  customersByStatus: () => Promise<Record<string, number>>,
  { rate, offered, windowSeconds }: { rate: SlidingRate; offered: SlidingRate; windowSeconds: number },
): void {
  new Gauge({
    name: 'bss_customers',
    help: 'Customers by current status (customer growth)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [status, count] of Object.entries(await customersByStatus())) this.set({ status }, count);
    },
  });
  new Gauge({
    name: 'bss_current_event_rate',
    help: `Events per second appended, over the last ${windowSeconds} s`,
    registers: [registry],
    collect() {
      this.set(rate.perSecond());
    },
  });
  new Gauge({
    name: 'bss_offered_event_rate',
    help: `Events per second offered by clients (committed + refused), over the last ${windowSeconds} s`,
    registers: [registry],
    collect() {
      this.set(offered.perSecond());
    },
  });
}

function countCommitted(counters: ReturnType<typeof registerCounters>, facts: CommittedFacts, component: string): void {
  const { events, orders, payments, invoices, customers, orderDuration, eventSize } = counters;
  const rows = new Map(facts.changed.map((row) => [`${row.kind}:${row.id}`, row.state as Record<string, unknown>]));
  let runType: string | undefined;
  let runLength = 0;
  facts.envelopes.forEach((envelope, i) => {
    if (envelope.type !== runType) {
      if (runType !== undefined) events.inc({ type: runType, component }, runLength);
      runType = envelope.type;
      runLength = 0;
    }
    runLength += 1;
    const value = facts.records?.[i]?.value ?? JSON.stringify(envelope);
    eventSize.observe(Buffer.byteLength(value));
    const [entity, status] = entityAndStatusOf(envelope.type);
    if (entity === 'order') {
      orders.inc({ status });
      const order = rows.get(`order:${envelope.subject}`);
      if ((status === 'COMPLETED' || status === 'REJECTED') && typeof order?.['placedAt'] === 'string') {
        orderDuration.observe(Math.max(0, (Date.parse(envelope.time) - Date.parse(order['placedAt'])) / 1000));
      }
    } else if (entity === 'payment') {
      const payment = rows.get(`payment:${envelope.subject}`);
      payments.inc({ status, method: String(payment?.['method'] ?? 'unknown') });
    } else if (entity === 'invoice') invoices.inc({ status });
    else if (entity === 'customer') customers.inc({ status });
  });
  if (runType !== undefined) events.inc({ type: runType, component }, runLength);
}
