// One second of the service's live numbers (GET /api/v1/live): built by live-metrics.ts, drawn by the
// console's Live page, which imports this type (so the module imports nothing).
export interface LiveSample {
  /** ms since the epoch. */
  readonly t: number;
  readonly targetEventsPerSecond: number;
  /** bss_current_event_rate: events/s appended over the last 10 s. */
  readonly eventsPerSecond: number;
  readonly eventsByType: Readonly<Record<string, number>>;
  readonly requestsPerSecond: number;
  /** Seconds, from http_server_request_duration_seconds; null without requests in the window. */
  readonly latency: { readonly p50: number | null; readonly p95: number | null; readonly p99: number | null };
  /** Share of responses with a 5xx status in the window (0..1); null without requests. */
  readonly errorRate: number | null;
  readonly errorsPerSecond: number;
  readonly consumerLag: Readonly<Record<string, number>>;
  readonly outboxBacklog: number | null;
  /** Hits / lookups per cache level in the window; null when the level had no lookups. */
  readonly cacheHitRatio: Readonly<Record<string, number | null>>;
  /** bss_requests_shed_total per second; null when this build has no such metric. */
  readonly shedPerSecond: number | null;
}
