// Calls still unfinished and mediation lag at the end count as errors.
import { percentiles, type Percentiles, type Recorder } from './stats.ts';
import type { Meter } from './meter.ts';
import type { MediationFeed } from './mediation-feed.ts';
import type { Operations } from './operations.ts';
import type { LoadReport, MediationReport, StepReport } from './types.ts';

export interface RunOutcome {
  readonly runId: string;
  readonly urls: readonly string[];
  readonly startedAt: Date;
  readonly setupS: number;
  readonly durationS: number;
  readonly stoppedAtMs: number;
  readonly completed: number;
  readonly unfinished: number;
  readonly mediation: MediationReport | undefined;
}

export function loadReport(config: LoadReport['config'], meter: Meter, outcome: RunOutcome): LoadReport {
  const { recorder } = meter;
  const { stoppedAtMs, unfinished, mediation } = outcome;
  const loadS = stoppedAtMs / 1000;
  const undrained = mediation !== undefined && mediation.drain.lag > 0;
  const atEnd: Record<string, number> = {};
  if (unfinished > 0) atEnd['unfinished at end'] = unfinished;
  if (undrained) atEnd['mediation lag after drain'] = mediation.drain.lag;
  const { latency, overall } = latencyByCall(recorder);
  const statuses = Object.fromEntries([...recorder.statuses].sort(([a], [b]) => a.localeCompare(b)));
  const errorsByStatus = Object.fromEntries(
    Object.entries(statuses).filter(([key]) => !/ (2\d\d|produced)$/.test(key)),
  ) as Record<string, number>;
  return {
    runId: outcome.runId,
    urls: outcome.urls,
    startedAt: outcome.startedAt.toISOString(),
    setupS: outcome.setupS,
    durationS: outcome.durationS,
    config,
    operations: { sent: recorder.operationsSent, completed: outcome.completed, unfinished },
    events: {
      offered: recorder.eventsOffered,
      accepted: recorder.eventsAccepted,
      offeredPerSecond: recorder.eventsOffered / loadS,
      acceptedPerSecond: recorder.eventsAccepted / loadS,
    },
    latency,
    overall,
    sendLag: percentiles(meter.sendLags),
    steps: stepReports(config.steps, meter, stoppedAtMs),
    errors: recorder.errors + unfinished + (undrained ? 1 : 0),
    errorsByStatus: { ...errorsByStatus, ...atEnd },
    statuses,
    ...(mediation ? { mediation } : {}),
  };
}

export async function mediationReport(
  feed: MediationFeed,
  operations: Operations,
  meter: Meter,
  stoppedAtMs: number,
  drainMs: number,
): Promise<MediationReport> {
  return {
    topic: feed.topic,
    group: feed.group,
    produced: operations.produced,
    producedPerSecond: operations.produced / (stoppedAtMs / 1000),
    failed: operations.produceFailures,
    produceLatency: percentiles([...(meter.recorder.latencies.get('usage.produce') ?? [])]),
    drain: await feed.drain(drainMs),
  };
}

function latencyByCall(recorder: Recorder): { latency: Record<string, Percentiles>; overall: Percentiles } {
  const latency: Record<string, Percentiles> = {};
  const all: number[] = [];
  for (const [name, samples] of [...recorder.latencies].sort(([a], [b]) => a.localeCompare(b))) {
    if (name === 'usage.records') continue;
    for (const sample of samples) all.push(sample); // a spread of 10⁵+ arguments overflows the stack
    latency[name] = percentiles(samples);
  }
  return { latency, overall: percentiles(all) };
}

/** A step cut short by the signal counts only the time it ran. */
function stepReports(steps: LoadReport['config']['steps'], meter: Meter, stoppedAtMs: number): StepReport[] {
  const { stepEnds, buckets } = meter;
  return steps.slice(0, meter.stepOf(Math.max(0, stoppedAtMs - 1)) + 1).map((s, i) => {
    const bucket = buckets[i] as Meter['buckets'][number];
    const seconds = (Math.min(stepEnds[i] ?? 0, stoppedAtMs) - (stepEnds[i - 1] ?? 0)) / 1000;
    return {
      eventsPerSecond: s.eventsPerSecond,
      durationS: seconds,
      offeredPerSecond: bucket.offered / seconds,
      acceptedPerSecond: bucket.accepted / seconds,
      latency: percentiles(bucket.latencies),
      errors: bucket.errors,
      okPerSecond: bucket.ok / seconds,
      shed: bucket.shedLatencies.length,
      shedLatency: percentiles(bucket.shedLatencies),
      shedExchange: percentiles(bucket.shedExchanges),
      shedWithoutRetryAfter: bucket.shedWithoutRetryAfter,
      timeouts: bucket.timeouts,
      clientWait: percentiles(bucket.clientWaits),
    };
  });
}
