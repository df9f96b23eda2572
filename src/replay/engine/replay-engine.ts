// MAX delivers partitions concurrently; every other speed follows the global timeline, since pacing needs one clock.
import type { EventCodec } from '../../events/codec.ts';
import type { DeliveredEvent } from '../../log/consumer-runner.ts';
import type { EventLog, LogRecord } from '../../log/event-log.ts';
import type { CustomerView } from '../../domain/index.ts';
import { badReplayRequest } from '../shared/errors.ts';
import { compileFilter, type EventFilter } from '../shared/filter.ts';
import { JobState, jobUpdates, type ReplayJob, type ReplayJobSnapshot } from './jobs.ts';
import type { DurationEstimate } from '../offsets/index.ts';
import { rangeCount, readPages, readWindowByTime, windowRanges, type PartitionRange } from '../shared/records.ts';
import { createDelivery, Failed, type Delivery } from './replay-delivery.ts';
import {
  Cancelled,
  createPacer,
  createStepGate,
  isPaced,
  REPLAY_SPEEDS,
  type Pacer,
  type ReplaySpeed,
  type StepGate,
} from '../shared/speed.ts';
import { checkTarget, openTarget, type ReplayTarget, type TargetWriter } from './targets.ts';
import { optionalMillis, type TimeInput } from '../shared/time.ts';

export interface ReplayDeps {
  readonly log: EventLog;
  readonly codec: EventCodec;
}

export interface ReplayRequest {
  readonly topic: string;
  readonly startTime?: TimeInput;
  /** Exclusive; default the log's end when the job starts. */
  readonly endTime?: TimeInput;
  readonly filter?: EventFilter;
  readonly target: ReplayTarget;
  readonly speed?: ReplaySpeed;
  readonly ignoreErrors?: boolean;
  readonly validateEvents?: boolean;
  readonly parallel?: boolean;
  readonly maxErrors?: number;
  readonly pageSize?: number;
  readonly jobId?: string;
  /** Per partition, replacing startTime (a debug session's cursor); startTime still anchors pacing. */
  readonly fromOffsets?: ReadonlyMap<number, number>;
  readonly liveTopic?: string;
  readonly estimate?: Pick<DurationEstimate, 'estimatedMs' | 'warning'>;
}

export interface ReplayRun extends ReplayJob {
  views(): ReadonlyMap<string, CustomerView>;
}

export function startReplay(deps: ReplayDeps, request: ReplayRequest): ReplayRun {
  const { speed, start, end } = checkRequest(request);
  const state = new JobState(request.maxErrors ?? 100, request.jobId);
  state.estimatedMs = request.estimate?.estimatedMs ?? null;
  state.warning = request.estimate?.warning ?? null;
  const abort = new AbortController();
  const gate = createStepGate(speed === 'STEP_BY_STEP', () => state.setStatus('PAUSED'));
  const delivery = createDelivery(state, {
    codec: deps.codec,
    filter: compileFilter(request.filter),
    validate: request.validateEvents ?? true,
    ignoreErrors: request.ignoreErrors ?? false,
  });
  const handler = createRecordHandler({ state, abort: abort.signal, gate, pacer: createPacer(speed, start), delivery });
  let writer: TargetWriter | undefined;

  async function run(): Promise<void> {
    state.setStatus('RUNNING');
    const ranges = await replayRanges(deps.log, request, start, end);
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
        await handler.handle(target, [record], isPaced(speed));
      }
    } else {
      await readPartitionsConcurrently(
        ranges,
        abort,
        (range) => readPages(deps.log, request.topic, range, pageSize),
        (page) => handler.handle(target, page, false),
      );
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
      handler.reanchor();
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

function checkRequest(request: ReplayRequest) {
  const speed = request.speed ?? 'MAX';
  if (!REPLAY_SPEEDS.includes(speed)) throw badReplayRequest(`unknown speed ${String(speed)}`);
  checkTarget(request.target, request.topic, request.liveTopic);
  const start = optionalMillis(request.startTime, 'startTime');
  const end = optionalMillis(request.endTime, 'endTime');
  if (start !== undefined && end !== undefined && end < start) throw badReplayRequest('endTime is before startTime');
  return { speed, start, end };
}

async function replayRanges(
  log: EventLog,
  request: ReplayRequest,
  start: number | undefined,
  end: number | undefined,
): Promise<PartitionRange[]> {
  const ranges = await windowRanges(log, request.topic, {
    ...(start !== undefined ? { start } : {}),
    ...(end !== undefined ? { end } : {}),
    ...(request.filter?.customerId !== undefined ? { key: request.filter.customerId } : {}),
  });
  const from = request.fromOffsets;
  if (from) for (const r of ranges) r.from = Math.min(r.to, from.get(r.partition) ?? r.from);
  return ranges;
}

/** Ends only when all partitions have stopped, so no handler still runs when `done` resolves. */
async function readPartitionsConcurrently(
  ranges: readonly PartitionRange[],
  abort: AbortController,
  pages: (range: PartitionRange) => AsyncIterable<readonly LogRecord[]>,
  handle: (page: readonly LogRecord[]) => Promise<void>,
): Promise<void> {
  const outcomes = await Promise.allSettled(
    ranges.map(async (range) => {
      try {
        for await (const page of pages(range)) await handle(page);
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

interface RecordHandlerParts {
  readonly state: JobState;
  readonly abort: AbortSignal;
  readonly gate: StepGate;
  readonly pacer: Pacer;
  readonly delivery: Delivery;
}

function createRecordHandler({ state, abort, gate, pacer, delivery }: RecordHandlerParts) {
  let reanchor = false;

  function breakIfAsked(target: TargetWriter, last: DeliveredEvent | undefined): void {
    if (!last || !target.pauseRequested()) return;
    gate.setStepping(true);
    state.emitter.emit('breakpoint', { record: last.record, type: last.event.type });
  }

  async function handle(target: TargetWriter, records: readonly LogRecord[], pace: boolean): Promise<void> {
    if (abort.aborted) throw new Cancelled();
    const events = delivery.classify(records);
    if (!pace && !gate.stepping()) {
      await delivery.deliver(target, events);
      breakIfAsked(target, events.at(-1));
      return;
    }
    for (const event of events) {
      const permit = await gate.take(abort);
      if (state.status === 'PAUSED') state.setStatus('RUNNING');
      if (reanchor) {
        pacer.reanchor(event.record.timestamp);
        reanchor = false;
      }
      if (pace && !gate.stepping()) await pacer.until(event.record.timestamp, abort);
      await delivery.deliver(target, [event]);
      gate.done(permit);
      breakIfAsked(target, event);
    }
  }

  return {
    handle,
    /** After a resume the clock starts again from the next event, not from where it paused. */
    reanchor: () => void (reanchor = true),
  };
}
