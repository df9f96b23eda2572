// Rates and quantiles from the difference between the newest registry reading and one WINDOW_S older,
// like PromQL's rate(), so the console needs no Prometheus.
import type { MetricValueWithName, Registry } from 'prom-client';
import type { LiveSample } from './live-sample.ts';

/** 400,000 events/minute. */
export const TARGET_EVENTS_PER_SECOND = 6667;
const WINDOW_S = 10;
const HISTORY = 300;

export type { LiveSample } from './live-sample.ts';

type Value = MetricValueWithName<string>;
type Values = readonly Value[];
export interface Reading {
  readonly t: number;
  readonly metrics: ReadonlyMap<string, Values>;
}

const READ = [
  'bss_current_event_rate',
  'bss_events_total',
  'http_server_request_duration_seconds',
  'bss_errors_total',
  'bss_consumer_lag',
  'bss_outbox_backlog',
  'bss_cache_requests_total',
  'bss_requests_shed_total',
];

/** A copy: prom-client hands out its live objects, which later increments mutate. */
export async function readRegistry(registry: Registry, t: number): Promise<Reading> {
  const metrics = new Map<string, Values>();
  for (const name of READ) {
    const metric = registry.getSingleMetric(name);
    if (metric) {
      const values = (await metric.get()).values as Values;
      metrics.set(
        name,
        values.map((v) => ({ ...v, labels: { ...v.labels } })),
      );
    }
  }
  return { t, metrics };
}

type Match = (value: Value) => boolean;
const sum = (values: Values | undefined, match: Match = () => true) =>
  (values ?? []).filter(match).reduce((total, v) => total + v.value, 0);

function sumBy(values: Values | undefined, label: string, match: Match = () => true): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of (values ?? []).filter(match)) {
    const key = String(v.labels[label] ?? '');
    out.set(key, (out.get(key) ?? 0) + v.value);
  }
  return out;
}

const named =
  (suffix: string): Match =>
  (v) =>
    v.metricName?.endsWith(suffix) ?? false;

/** Prometheus's histogram_quantile: linear within a bucket. */
export function histogramQuantile(q: number, buckets: ReadonlyMap<number, number>): number | null {
  const sorted = [...buckets].sort(([a], [b]) => a - b);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (le === Infinity) return lowerBound;
      return lowerBound + ((le - lowerBound) * (rank - lowerCount)) / Math.max(count - lowerCount, 1e-12);
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}

function latencyBuckets(now: Reading, then: Reading): Map<number, number> {
  const name = 'http_server_request_duration_seconds';
  const le = (v: Value) => Number(v.labels['le'] === '+Inf' ? Infinity : v.labels['le']);
  const buckets = new Map<number, number>();
  for (const v of (now.metrics.get(name) ?? []).filter(named('_bucket'))) {
    buckets.set(le(v), (buckets.get(le(v)) ?? 0) + v.value);
  }
  for (const v of (then.metrics.get(name) ?? []).filter(named('_bucket'))) {
    buckets.set(le(v), (buckets.get(le(v)) ?? 0) - v.value);
  }
  return buckets;
}

function deltaBy(now: Reading, then: Reading, name: string, label: string, match?: Match): Map<string, number> {
  const after = sumBy(now.metrics.get(name), label, match);
  for (const [key, value] of sumBy(then.metrics.get(name), label, match)) {
    after.set(key, (after.get(key) ?? 0) - value);
  }
  return after;
}

export function sampleOf(now: Reading, then: Reading): LiveSample {
  const seconds = Math.max((now.t - then.t) / 1000, 1e-3);
  const delta = (name: string, match?: Match) => sum(now.metrics.get(name), match) - sum(then.metrics.get(name), match);
  const http = 'http_server_request_duration_seconds';
  const requests = delta(http, named('_count'));
  const failed = delta(http, (v) => named('_count')(v) && String(v.labels['status_code']).startsWith('5'));
  const buckets = latencyBuckets(now, then);
  const hits = deltaBy(now, then, 'bss_cache_requests_total', 'level', (v) => v.labels['result'] === 'hit');
  const lookups = deltaBy(now, then, 'bss_cache_requests_total', 'level');
  const perSecond = (m: Map<string, number>) => Object.fromEntries([...m].map(([k, v]) => [k, v / seconds]));
  return {
    t: now.t,
    targetEventsPerSecond: TARGET_EVENTS_PER_SECOND,
    eventsPerSecond: sum(now.metrics.get('bss_current_event_rate')),
    eventsByType: perSecond(deltaBy(now, then, 'bss_events_total', 'type')),
    requestsPerSecond: requests / seconds,
    latency: {
      p50: histogramQuantile(0.5, buckets),
      p95: histogramQuantile(0.95, buckets),
      p99: histogramQuantile(0.99, buckets),
    },
    errorRate: requests > 0 ? failed / requests : null,
    errorsPerSecond: delta('bss_errors_total') / seconds,
    consumerLag: Object.fromEntries(sumBy(now.metrics.get('bss_consumer_lag'), 'group')),
    outboxBacklog: now.metrics.has('bss_outbox_backlog') ? sum(now.metrics.get('bss_outbox_backlog')) : null,
    cacheHitRatio: Object.fromEntries(
      [...lookups].map(([level, n]) => [level, n > 0 ? (hits.get(level) ?? 0) / n : null]),
    ),
    shedPerSecond: now.metrics.has('bss_requests_shed_total') ? delta('bss_requests_shed_total') / seconds : null,
  };
}

export interface LiveMetrics {
  subscribe(listener: (samples: readonly LiveSample[]) => void): () => void;
  /** Idempotent; keeps the last five minutes so a console opened during an incident shows what led up to it. */
  start(): void;
  stop(): void;
}

export function createLiveMetrics(registry: Registry, intervalMs = 1000): LiveMetrics {
  const listeners = new Set<(samples: readonly LiveSample[]) => void>();
  const readings: Reading[] = [];
  const history: LiveSample[] = [];
  let timer: NodeJS.Timeout | undefined;

  const tick = async () => {
    const now = await readRegistry(registry, Date.now());
    readings.push(now);
    while (readings.length > WINDOW_S * (1000 / intervalMs) + 1) readings.shift();
    const sample = sampleOf(now, readings[0] ?? now);
    history.push(sample);
    if (history.length > HISTORY) history.shift();
    for (const listener of listeners) listener([sample]);
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      if (history.length > 0) listener([...history]);
      return () => listeners.delete(listener);
    },
    start() {
      if (timer) return;
      timer = setInterval(() => void tick().catch(() => undefined), intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
