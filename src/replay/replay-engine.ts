// The replay engine: a time window of a topic, read through the EventLog port partition by partition
// (the records consumers see), filtered, paced and delivered to a target. MAX speed delivers each
// partition's pages concurrently; every other speed, and stepping, follows the global timeline
// (partitions merged by timestamp), because pacing only makes sense on one clock.
import type { EventCodec } from '../events/codec.ts';
import type { DeliveredEvent } from '../log/consumer-runner.ts';
import type { EventLog, LogRecord } from '../log/event-log.ts';
import type { CustomerView } from '../domain/index.ts';
import { badReplayRequest } from './errors.ts';
import { compileFilter, decodeRecord, type EventFilter } from './filter.ts';
import { JobState, jobUpdates, type ReplayJob, type ReplayJobSnapshot } from './jobs.ts';
import type { DurationEstimate } from './offsets.ts';
import { rangeCount, readPages, readWindowByTime, windowRanges } from './records.ts';
import { Cancelled, createPacer, createStepGate, isPaced, REPLAY_SPEEDS, type ReplaySpeed } from './speed.ts';
import { checkTarget, openTarget, type ReplayTarget, type TargetWriter } from './targets.ts';
import { optionalMillis, type TimeInput } from './time.ts';

export interface ReplayDeps {
  readonly log: EventLog;
  readonly codec: EventCodec;
}

export interface ReplayRequest {
  readonly topic: string;
  /** Inclusive; default the beginning of the log. */
  readonly startTime?: TimeInput;
  /** Exclusive; default the end of the log when the job starts (later appends are not replayed). */
  readonly endTime?: TimeInput;
  readonly filter?: EventFilter;
  readonly target: ReplayTarget;
  /** Default MAX. */
  readonly speed?: ReplaySpeed;
  /** Go on past a failing event, counting it (default false: the job FAILS at the first error). */
  readonly ignoreErrors?: boolean;
  /** Decode with the codec's full validation (default true); invalid records count as errors. */
  readonly validateEvents?: boolean;
  /** MAX speed only: partitions concurrently (default true); each partition stays in offset order. */
  readonly parallel?: boolean;
  /** How many errors the job keeps (all are counted). Default 100. */
  readonly maxErrors?: number;
  /** Records per log.read. Default 500. */
  readonly pageSize?: number;
  readonly jobId?: string;
  /**
   * Per-partition start offsets that replace startTime for those partitions (a debug session goes
   * on from its cursor). startTime still anchors the pacing clock.
   */
  readonly fromOffsets?: ReadonlyMap<number, number>;
  /** The configured live topic (with its BSS_TOPIC_PREFIX); a topic target never appends to it. */
  readonly liveTopic?: string;
  /** The caller's duration estimate (estimateReplayDuration), shown in the job. */
  readonly estimate?: Pick<DurationEstimate, 'estimatedMs' | 'warning'>;
}

export interface ReplayRun extends ReplayJob {
  /** Sandbox target: the folded customer views (live while the job runs). Empty for other targets. */
  views(): ReadonlyMap<string, CustomerView>;
}

class Failed extends Error {}

/** Checks the request and starts the job; the returned job runs in the background. */
export function startReplay(deps: ReplayDeps, request: ReplayRequest): ReplayRun {
  const speed = request.speed ?? 'MAX';
  if (!REPLAY_SPEEDS.includes(speed)) throw badReplayRequest(`unknown speed ${String(speed)}`);
  checkTarget(request.target, request.topic, request.liveTopic);
  const start = optionalMillis(request.startTime, 'startTime');
  const end = optionalMillis(request.endTime, 'endTime');
  if (start !== undefined && end !== undefined && end < start) throw badReplayRequest('endTime is before startTime');

  const state = new JobState(request.maxErrors ?? 100, request.jobId);
  state.estimatedMs = request.estimate?.estimatedMs ?? null;
  state.warning = request.estimate?.warning ?? null;
  const abort = new AbortController();
  const gate = createStepGate(speed === 'STEP_BY_STEP', () => state.setStatus('PAUSED'));
  const pacer = createPacer(speed, start);
  const filter = compileFilter(request.filter);
  const validate = request.validateEvents ?? true;
  const ignoreErrors = request.ignoreErrors ?? false;
  let writer: TargetWriter | undefined;
  let reanchor = false;

  function fail(record: LogRecord, type: string | null, message: string): void {
    state.recordError({ partition: record.partition, offset: record.offset, type, message });
    state.processed += 1;
    if (!ignoreErrors) throw new Failed(`${record.partition}/${record.offset}: ${message}`);
  }

  /** Filter and decode; the matching records become deliverable events. */
  function classify(records: readonly LogRecord[]): DeliveredEvent[] {
    const matched: DeliveredEvent[] = [];
    for (const record of records) {
      if (!filter.keyMatches(record)) {
        state.filtered += 1;
        state.processed += 1;
        continue;
      }
      const decoded = decodeRecord(deps.codec, record, validate);
      if (!decoded.ok) {
        fail(record, null, `invalid event: ${decoded.reason}`);
        continue;
      }
      if (!filter.eventMatches(decoded)) {
        state.filtered += 1;
        state.processed += 1;
        continue;
      }
      matched.push({ event: decoded.event, domainEvent: decoded.domainEvent, record });
    }
    return matched;
  }

  function delivered(events: readonly DeliveredEvent[]): void {
    // Counted by the CloudEvent type, the one form of an event type the API shows.
    for (const { event } of events) state.countsByType[event.type] = (state.countsByType[event.type] ?? 0) + 1;
    state.delivered += events.length;
    state.processed += events.length;
    state.emit();
  }

  /** Delivers a batch; when it fails, event by event, so only the failing ones count as errors. */
  async function deliver(target: TargetWriter, events: readonly DeliveredEvent[]): Promise<void> {
    if (events.length === 0) return;
    try {
      await target.deliver(events);
      delivered(events);
      return;
    } catch (error) {
      if (events.length === 1) {
        const [only] = events as [DeliveredEvent];
        fail(only.record, only.event.type, String((error as Error).message ?? error));
        return;
      }
    }
    for (const event of events) await deliver(target, [event]);
  }

  async function handle(target: TargetWriter, records: readonly LogRecord[], pace: boolean): Promise<void> {
    if (abort.signal.aborted) throw new Cancelled();
    const events = classify(records);
    if (!pace && !gate.stepping()) {
      await deliver(target, events);
      breakIfAsked(target, events.at(-1));
      return;
    }
    for (const event of events) {
      const permit = await gate.take(abort.signal);
      if (state.status === 'PAUSED') state.setStatus('RUNNING');
      if (reanchor) {
        pacer.reanchor(event.record.timestamp);
        reanchor = false;
      }
      if (pace && !gate.stepping()) await pacer.until(event.record.timestamp, abort.signal);
      await deliver(target, [event]);
      gate.done(permit);
      breakIfAsked(target, event);
    }
  }

  /** A sandbox breakpoint hit by the last event: switch to stepping (the sandbox runs event by event). */
  function breakIfAsked(target: TargetWriter, last: DeliveredEvent | undefined): void {
    if (!last || !target.pauseRequested()) return;
    gate.setStepping(true);
    state.emitter.emit('breakpoint', { record: last.record, type: last.event.type });
  }

  async function run(): Promise<void> {
    state.setStatus('RUNNING');
    const ranges = await windowRanges(deps.log, request.topic, {
      ...(start !== undefined ? { start } : {}),
      ...(end !== undefined ? { end } : {}),
      ...(request.filter?.customerId !== undefined ? { key: request.filter.customerId } : {}),
    });
    const from = request.fromOffsets;
    if (from) for (const r of ranges) r.from = Math.min(r.to, from.get(r.partition) ?? r.from);
    state.total = rangeCount(ranges);
    writer = await openTarget(request.target, deps.log, request.topic, state.id);
    state.skippedHandlers = writer.skipped;
    state.emit(true);
    const target = writer;
    const pageSize = request.pageSize ?? 500;
    const globalTimeline =
      isPaced(speed) || speed === 'STEP_BY_STEP' || request.parallel === false || request.target.kind === 'sandbox';
    if (globalTimeline) {
      for await (const record of readWindowByTime(deps.log, request.topic, ranges, pageSize)) {
        await handle(target, [record], isPaced(speed));
      }
    } else {
      // A failing partition stops the others at their next page; the job ends when all have stopped,
      // so no handler is still running when `done` resolves.
      const outcomes = await Promise.allSettled(
        ranges.map(async (range) => {
          try {
            for await (const page of readPages(deps.log, request.topic, range, pageSize)) {
              await handle(target, page, false);
            }
          } catch (error) {
            abort.abort();
            throw error;
          }
        }),
      );
      const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
      // The first real failure explains the job; the siblings only saw the abort.
      const cause = failures.find((f) => !(f instanceof Cancelled)) ?? failures[0];
      if (cause !== undefined) throw cause;
    }
  }

  const done = run().then(
    () => state.setStatus('COMPLETED'),
    (error: unknown) => {
      abort.abort(); // stops sibling partitions of a parallel replay
      if (error instanceof Cancelled) state.setStatus('CANCELLED');
      else {
        state.failure = error instanceof Failed ? error.message : String((error as Error).message ?? error);
        state.setStatus(state.status === 'CANCELLED' ? 'CANCELLED' : 'FAILED');
      }
    },
  );
  const finished: Promise<ReplayJobSnapshot> = done.then(() => {
    gate.close();
    return state.snapshot();
  });

  return {
    id: state.id,
    snapshot: () => state.snapshot(),
    done: finished,
    cancel() {
      if (state.isTerminal()) return;
      abort.abort();
      state.setStatus('CANCELLED');
    },
    step: (n) => (state.isTerminal() ? Promise.resolve() : gate.step(n)),
    pause: () => gate.setStepping(true),
    resume() {
      reanchor = true;
      gate.setStepping(false);
      if (state.status === 'PAUSED') state.setStatus('RUNNING');
    },
    updates: (signal) => jobUpdates(state, signal),
    onProgress(listener) {
      state.emitter.on('progress', listener);
      return () => state.emitter.off('progress', listener);
    },
    views: () => writer?.views ?? new Map(),
  };
}
