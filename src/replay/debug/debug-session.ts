// The filter picks which events are stepped through; the state folds every event of the customers in view.
import { randomUUID } from 'node:crypto';
import { notFound } from '../../errors.ts';
import { cloudEventType, domainTypeOf } from '../../events/envelope.ts';
import { badReplayRequest, replayConflict } from '../shared/errors.ts';
import { initialCustomerView, type CustomerView } from '../../domain/index.ts';
import { checkBreakpoint, hits, type Breakpoint, type BreakpointSpec } from './breakpoints.ts';
import { compileFilter, type CompiledFilter, type EventFilter } from '../shared/filter.ts';
import { mergeByTime, readRange } from '../shared/records.ts';
import { estimateReplayDuration } from '../offsets/index.ts';
import type { ReconstructDeps } from '../time-travel/index.ts';
import { startReplay, type ReplayRun } from '../engine/index.ts';
import { SessionFold } from './session-fold.ts';
import type { ReplaySpeed } from '../shared/speed.ts';
import { optionalMillis, toMillis, type TimeInput } from '../shared/time.ts';

export interface SessionEvent {
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly customerId: string;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
}

export interface StepResult {
  readonly events: readonly SessionEvent[];
  readonly hit: readonly Breakpoint[];
  readonly atEnd: boolean;
}

export interface SessionInfo {
  readonly id: string;
  readonly topic: string;
  readonly filter: EventFilter;
  readonly time: number | null;
  readonly cursor: Readonly<Record<string, number>>;
  readonly customers: number;
  readonly breakpoints: readonly Breakpoint[];
  readonly expiresAt: string;
}

export interface DebugSession {
  readonly id: string;
  info(): SessionInfo;
  step(n?: number): Promise<StepResult>;
  seek(time: TimeInput): Promise<void>;
  state(customerId?: string): CustomerView | Readonly<Record<string, CustomerView>>;
  addBreakpoint(spec: BreakpointSpec): Breakpoint;
  removeBreakpoint(id: string): boolean;
  /** Plays (from, until] into the session (from the cursor without `from`); a breakpoint pauses the job. */
  controlledReplay(options: { from?: TimeInput; until?: TimeInput; speed: ReplaySpeed }): Promise<ReplayRun>;
  close(): void;
}

export interface OpenSessionOptions {
  readonly topic: string;
  readonly at?: TimeInput;
  readonly filter?: EventFilter;
  readonly breakpoints?: readonly BreakpointSpec[];
}

export interface SessionHooks {
  touch(id: string): void;
  expiresAt(id: string): string;
  closed(id: string): void;
}

export async function openSession(
  deps: ReconstructDeps,
  options: OpenSessionOptions,
  hooks: SessionHooks,
): Promise<DebugSession> {
  const id = randomUUID();
  const { topic } = options;
  const filter = options.filter ?? {};
  const compiled = compileFilter(filter);
  const fold = new SessionFold(deps, topic, filter.customerId, compiled);
  const breakpoints = new Map<string, Breakpoint>();
  const addBreakpoint = (spec: BreakpointSpec): Breakpoint => {
    const bp = breakpointOf(spec);
    breakpoints.set(bp.id, bp);
    return bp;
  };
  for (const spec of options.breakpoints ?? []) addBreakpoint(spec);
  let running: ReplayRun | undefined;
  let closed = false;

  const live = () => {
    if (closed) throw notFound('debug session', id);
    if (running && !running.snapshot().finishedAt) {
      throw replayConflict('a controlled replay is running in this session; cancel it or wait for it');
    }
    hooks.touch(id);
  };

  await fold.seek(optionalMillis(options.at, 'at'));

  return {
    id,
    info: () => ({
      id,
      topic,
      filter,
      time: fold.time,
      cursor: Object.fromEntries([...fold.cursor].map(([p, o]) => [String(p), o])),
      customers: fold.views.size,
      breakpoints: [...breakpoints.values()],
      expiresAt: hooks.expiresAt(id),
    }),
    async step(n = 1) {
      live();
      return stepThrough(deps, fold, compiled, breakpoints, n);
    },
    async seek(at) {
      live();
      await fold.seek(toMillis(at, 'time'));
    },
    state(customerId) {
      hooks.touch(id);
      if (customerId === undefined) return Object.fromEntries(fold.views);
      return fold.views.get(customerId) ?? initialCustomerView(customerId);
    },
    addBreakpoint(spec) {
      hooks.touch(id);
      return addBreakpoint(spec);
    },
    removeBreakpoint(breakpointId) {
      hooks.touch(id);
      return breakpoints.delete(breakpointId);
    },
    async controlledReplay(stretch) {
      live();
      running = await playStretch(deps, fold, breakpoints, stretch);
      return running;
    },
    close() {
      if (closed) return;
      closed = true;
      running?.cancel();
      fold.views.clear();
      hooks.closed(id);
    },
  };
}

function breakpointOf(spec: BreakpointSpec): Breakpoint {
  checkBreakpoint(spec);
  const typed = spec.kind === 'type' ? { ...spec, type: cloudEventType(domainTypeOf(spec.type) ?? spec.type) } : spec;
  return { ...typed, id: randomUUID() } as Breakpoint;
}

async function stepThrough(
  deps: ReconstructDeps,
  fold: SessionFold,
  filter: CompiledFilter,
  breakpoints: ReadonlyMap<string, Breakpoint>,
  n: number,
): Promise<StepResult> {
  if (!Number.isInteger(n) || n < 1) throw badReplayRequest(`step takes n ≥ 1, got ${n}`);
  const bounds = await deps.log.offsets(fold.topic);
  const ranges = [...fold.cursor].map(([partition, from]) => ({
    partition,
    from,
    to: bounds.find((b) => b.partition === partition)?.end ?? from,
  }));
  const merged = mergeByTime(ranges.map((r) => readRange(deps.log, fold.topic, r, Math.min(n + 1, 500))));
  const events: SessionEvent[] = [];
  let hit: Breakpoint[] = [];
  let atEnd = true;
  for await (const record of merged) {
    if (events.length >= n || hit.length > 0) {
      atEnd = false;
      break;
    }
    const applied = fold.apply(record);
    if (!applied || !filter.eventMatches(applied.decoded)) continue;
    events.push({
      partition: record.partition,
      offset: record.offset,
      timestamp: record.timestamp,
      customerId: applied.event.data.customerId,
      id: applied.decoded.event.id,
      type: applied.decoded.event.type,
      data: applied.event.data,
    });
    hit = hits(breakpoints.values(), applied.event, applied.before, applied.after);
  }
  await merged.return(undefined);
  return { events, hit, atEnd };
}

async function playStretch(
  deps: ReconstructDeps,
  fold: SessionFold,
  breakpoints: ReadonlyMap<string, Breakpoint>,
  { from, until, speed }: { from?: TimeInput; until?: TimeInput; speed: ReplaySpeed },
): Promise<ReplayRun> {
  const end = optionalMillis(until, 'until');
  const start = optionalMillis(from, 'from');
  if (start !== undefined && end !== undefined && end < start) throw badReplayRequest('until is before from');
  if (start !== undefined) await fold.seek(start);
  // For state breakpoints: the sandbox hands over only the view after.
  const previous = new Map(fold.views);
  const { topic, time, key } = fold;
  const estimate = await estimateReplayDuration(deps.log, topic, {
    ...(time !== null ? { startTime: time } : {}),
    ...(end !== undefined ? { endTime: end + 1 } : {}),
    speed,
  });
  return startReplay(deps, {
    topic,
    estimate,
    ...(time !== null ? { startTime: time } : {}),
    // "until T" includes the events stamped T, as seek(T) does.
    ...(end !== undefined ? { endTime: end + 1 } : {}),
    fromOffsets: new Map(fold.cursor),
    ...(key !== undefined ? { filter: { customerId: key } } : {}),
    speed,
    ignoreErrors: true,
    target: {
      kind: 'sandbox',
      views: fold.views,
      onApplied: (event, after, record) => {
        fold.passed(record);
        const before = previous.get(event.data.customerId) ?? initialCustomerView(event.data.customerId);
        previous.set(event.data.customerId, after);
        return hits(breakpoints.values(), event, before, after).length > 0;
      },
    },
  });
}
