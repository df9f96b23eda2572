import type { Mix } from './mix.ts';
import type { Percentiles } from './stats.ts';
import type { Drained, MediationFeed } from './mediation-feed.ts';
import type { UsageLedger } from './usage-ledger.ts';

export interface LoadStep {
  readonly eventsPerSecond: number;
  readonly durationMs: number;
}

export interface LoadOptions {
  readonly urls: readonly string[];
  readonly apiKey?: string;
  /** Several steps = a ramp. */
  readonly steps: readonly LoadStep[];
  readonly mix: Mix;
  readonly customers: number;
  /** 0 = uniform. */
  readonly zipf: number;
  readonly usageBatch: number;
  readonly seed?: number;
  readonly connections?: number;
  readonly idempotencyKeys?: boolean;
  readonly timeoutMs?: number;
  readonly setupConcurrency?: number;
  readonly progressMs?: number;
  readonly drainMs?: number;
  readonly onProgress?: (progress: Progress) => void;
  /** Calls in flight still finish, and the report covers the steps begun. */
  readonly signal?: AbortSignal;
  readonly onSetup?: (done: number, total: number) => void;
  readonly mediation?: MediationFeed;
  readonly mediationDrainMs?: number;
  /** Filled with the usage record ids sent and acknowledged, for an exact no-lost check. */
  readonly ledger?: UsageLedger;
}

export interface MediationReport {
  readonly topic: string;
  readonly group: string;
  readonly produced: number;
  readonly producedPerSecond: number;
  readonly failed: number;
  readonly produceLatency: Percentiles;
  /** lag > 0 = not drained in time, counted as an error. */
  readonly drain: Drained;
}

export interface Progress {
  readonly elapsedS: number;
  readonly targetEventsPerSecond: number;
  readonly offeredPerSecond: number;
  readonly acceptedPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly inFlight: number;
}

export interface StepReport {
  readonly eventsPerSecond: number;
  readonly durationS: number;
  readonly offeredPerSecond: number;
  readonly acceptedPerSecond: number;
  readonly latency: Percentiles;
  readonly errors: number;
  readonly okPerSecond: number;
  readonly shed: number;
  readonly shedLatency: Percentiles;
  /** A refusal from the connection's handover to its answer: without the load client's own delays. */
  readonly shedExchange: Percentiles;
  readonly shedWithoutRetryAfter: number;
  readonly timeouts: number;
  /** Latency the server never saw. */
  readonly clientWait: Percentiles;
}

export interface LoadReport {
  readonly runId: string;
  readonly urls: readonly string[];
  readonly startedAt: string;
  readonly setupS: number;
  readonly durationS: number;
  readonly config: {
    readonly steps: readonly LoadStep[];
    readonly mix: Mix;
    readonly customers: number;
    readonly zipf: number;
    readonly usageBatch: number;
    readonly connections: number;
  };
  readonly operations: { readonly sent: number; readonly completed: number; readonly unfinished: number };
  readonly events: {
    readonly offered: number;
    readonly accepted: number;
    readonly offeredPerSecond: number;
    readonly acceptedPerSecond: number;
  };
  readonly latency: Readonly<Record<string, Percentiles>>;
  readonly overall: Percentiles;
  /** The generator's own saturation. */
  readonly sendLag: Percentiles;
  readonly steps: readonly StepReport[];
  readonly errors: number;
  readonly errorsByStatus: Readonly<Record<string, number>>;
  readonly statuses: Readonly<Record<string, number>>;
  readonly mediation?: MediationReport;
}

export interface Target {
  readonly customerId: string;
  readonly subscriptionId: string;
}
