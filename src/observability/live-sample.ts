// The console imports this type, so the module imports nothing.
export interface LiveSample {
  readonly t: number;
  readonly targetEventsPerSecond: number;
  readonly eventsPerSecond: number;
  readonly eventsByType: Readonly<Record<string, number>>;
  readonly requestsPerSecond: number;
  /** Seconds; null without requests in the window. */
  readonly latency: { readonly p50: number | null; readonly p95: number | null; readonly p99: number | null };
  /** 0..1; null without requests. */
  readonly errorRate: number | null;
  readonly errorsPerSecond: number;
  readonly consumerLag: Readonly<Record<string, number>>;
  readonly outboxBacklog: number | null;
  readonly cacheHitRatio: Readonly<Record<string, number | null>>;
  /** null when this build has no such metric. */
  readonly shedPerSecond: number | null;
}
