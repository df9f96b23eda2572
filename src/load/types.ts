// What `bss load` takes and what it reports: the options of a run, its live progress and its report.
import type { Mix } from './mix.ts';
import type { Percentiles } from './stats.ts';
import type { Drained, MediationFeed } from './mediation-feed.ts';

export interface LoadStep {
  /** Target events/s (CloudEvents appended) of the step. */
  readonly eventsPerSecond: number;
  readonly durationMs: number;
}

export interface LoadOptions {
  readonly urls: readonly string[];
  readonly apiKey?: string;
  /** One step = a constant rate; several = a ramp. */
  readonly steps: readonly LoadStep[];
  readonly mix: Mix;
  readonly customers: number;
  /** Zipf exponent of the customer picked by each operation (0 = uniform). */
  readonly zipf: number;
  readonly usageBatch: number;
  readonly seed?: number;
  /** Sockets per instance. */
  readonly connections?: number;
  /** Writes carry an Idempotency-Key (their operation id), as a client that retries safely sends. */
  readonly idempotencyKeys?: boolean;
  /** A call not answered in this long counts as a timeout (status ETIMEDOUT). Default 30 s. */
  readonly timeoutMs?: number;
  readonly setupConcurrency?: number;
  readonly progressMs?: number;
  /** Wait at most this long for in-flight calls at the end. */
  readonly drainMs?: number;
  readonly onProgress?: (progress: Progress) => void;
  /** Stops sending (after setup); calls in flight still finish, and the report covers the steps begun. */
  readonly signal?: AbortSignal;
  readonly onSetup?: (done: number, total: number) => void;
  /** Set: usage batches are produced to the mediation feed instead of POST /usage (src/load/mediation-feed.ts). */
  readonly mediation?: MediationFeed;
  /** After the run, wait at most this long for the feed's consumer group to catch up. Default 120 s. */
  readonly mediationDrainMs?: number;
}

/** The usage part of a run that went through the mediation feed. */
export interface MediationReport {
  readonly topic: string;
  readonly group: string;
  /** CDRs the broker acknowledged; each becomes one usage event (rated or rejected) once consumed. */
  readonly produced: number;
  readonly producedPerSecond: number;
  /** Batches that could not be produced. */
  readonly failed: number;
  /** Per batch, ms from its scheduled time to the broker's acknowledgement. */
  readonly produceLatency: Percentiles;
  /** After the run: until the group's lag was 0 (lag > 0 = not drained in time, counted as an error). */
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
  /** Calls answered 2xx (or produced), per second of the step. */
  readonly okPerSecond: number;
  /** Calls refused with 503 (admission control), their latency, and how many lacked Retry-After. */
  readonly shed: number;
  readonly shedLatency: Percentiles;
  readonly shedWithoutRetryAfter: number;
  /** Calls with no answer in time (ETIMEDOUT). */
  readonly timeouts: number;
  /** How long calls waited in the generator for a free connection: latency the server never saw. */
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
  /** Per call kind, ms; the first call of an operation counts from its scheduled time. */
  readonly latency: Readonly<Record<string, Percentiles>>;
  readonly overall: Percentiles;
  /** How late the generator sent calls after their scheduled time (its own saturation). */
  readonly sendLag: Percentiles;
  readonly steps: readonly StepReport[];
  readonly errors: number;
  readonly errorsByStatus: Readonly<Record<string, number>>;
  readonly statuses: Readonly<Record<string, number>>;
  /** Only with `mediation`. */
  readonly mediation?: MediationReport;
}

/** A customer made in setup, with its one active subscription. */
export interface Target {
  readonly customerId: string;
  readonly subscriptionId: string;
}
