// Debug sessions: a cursor in the log with the sandbox state there. Open at a time (the state is
// reconstructed, snapshots included), step through events, seek, look at the state, and stop at
// breakpoints; controlledReplay plays a stretch at a chosen speed through the replay engine into
// the same state. The filter picks which events are stepped through; the state always folds every
// event of the customers in view, so it stays exact. Sessions live in a registry (debug-sessions.ts).
import { randomUUID } from 'node:crypto';
import { notFound } from '../errors.ts';
import { cloudEventType, domainTypeOf } from '../events/envelope.ts';
import { badReplayRequest, replayConflict } from './errors.ts';
import { evolveCustomerView, initialCustomerView, type CustomerView, type DomainEvent } from '../domain/index.ts';
import type { LogRecord } from '../log/event-log.ts';
import { checkBreakpoint, hits, type Breakpoint, type BreakpointSpec } from './breakpoints.ts';
import { compileFilter, decodeRecord, type EventFilter } from './filter.ts';
import { mergeByTime, readRange, windowRanges } from './records.ts';
import { estimateReplayDuration } from './offsets.ts';
import { endOffsetAt, foldPartition, type ReconstructDeps } from './reconstruct.ts';
import { SEEN_WINDOW, SeenEvents } from './seen-events.ts';
import { startReplay, type ReplayRun } from './replay-engine.ts';
import type { ReplaySpeed } from './speed.ts';
import { optionalMillis, toMillis, type TimeInput } from './time.ts';

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
  /** The events stepped through (those matching the session's filter). */
  readonly events: readonly SessionEvent[];
  /** Breakpoints hit by the last event; stepping stops there. */
  readonly hit: readonly Breakpoint[];
  /** No more events in the log (for now). */
  readonly atEnd: boolean;
}

export interface SessionInfo {
  readonly id: string;
  readonly topic: string;
  readonly filter: EventFilter;
  /** The time of the last event folded (or the opening time), ms. */
  readonly time: number | null;
  /** Next offset per partition. */
  readonly cursor: Readonly<Record<string, number>>;
  readonly customers: number;
  readonly breakpoints: readonly Breakpoint[];
  readonly expiresAt: string;
}

export interface DebugSession {
  readonly id: string;
  info(): SessionInfo;
  step(n?: number): Promise<StepResult>;
  /** Reconstructs the state at `time` (inclusive) and puts the cursor right after it. */
  seek(time: TimeInput): Promise<void>;
  /** One customer's view, or every customer in view. */
  state(customerId?: string): CustomerView | Readonly<Record<string, CustomerView>>;
  addBreakpoint(spec: BreakpointSpec): Breakpoint;
  removeBreakpoint(id: string): boolean;
  /**
   * Plays the window (from, until] at `speed` into the session: it seeks to `from` first when given
   * (else it goes on from the cursor) and stops after the events stamped `until` (default: the
   * log's end). A breakpoint pauses the job (step or resume it). The cursor follows the job.
   */
  controlledReplay(options: { from?: TimeInput; until?: TimeInput; speed: ReplaySpeed }): Promise<ReplayRun>;
  close(): void;
}

export interface OpenSessionOptions {
  readonly topic: string;
  /** Where the cursor starts: the state includes every event up to this time. Default: the log's start. */
  readonly at?: TimeInput;
  readonly filter?: EventFilter;
  readonly breakpoints?: readonly BreakpointSpec[];
}

/** How a session reports to its registry (idle clock, expiry, closing). */
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
  const key = filter.customerId;
  const compiled = compileFilter(filter);
  const breakpoints = new Map<string, Breakpoint>();
  const views = new Map<string, CustomerView>();
  const cursor = new Map<number, number>();
  let time: number | null = null;
  let running: ReplayRun | undefined;
  let closed = false;
  let seen = new SeenEvents();
  const partitions = async () =>
    (await windowRanges(deps.log, topic, key === undefined ? {} : { key })).map((r) => r.partition);

  const addBreakpoint = (spec: BreakpointSpec): Breakpoint => {
    checkBreakpoint(spec);
    // Shown back with the CloudEvent type, whichever form it was given in.
    const typed = spec.kind === 'type' ? { ...spec, type: cloudEventType(domainTypeOf(spec.type) ?? spec.type) } : spec;
    const bp = { ...typed, id: randomUUID() } as Breakpoint;
    breakpoints.set(bp.id, bp);
    return bp;
  };
  for (const spec of options.breakpoints ?? []) addBreakpoint(spec);

  async function seek(at: number | undefined): Promise<void> {
    views.clear();
    cursor.clear();
    seen = new SeenEvents();
    for (const partition of await partitions()) {
      const end = at === undefined ? await firstOffset(partition) : await endOffsetAt(deps.log, topic, partition, at);
      const state = await foldPartition(deps, topic, partition, end, key);
      for (const [customerId, view] of state.views) views.set(customerId, view);
      for (const eventId of state.seen.newest(SEEN_WINDOW)) seen.firstSighting(eventId);
      cursor.set(partition, end);
    }
    time = at ?? null;
  }
  const firstOffset = async (partition: number) =>
    (await deps.log.offsets(topic)).find((b) => b.partition === partition)?.start ?? 0;

  /** Folds one record into the views; returns the event with the view before and after, if it decodes. */
  function apply(record: LogRecord) {
    cursor.set(record.partition, record.offset + 1);
    time = record.timestamp;
    if (!compiled.keyMatches(record)) return undefined;
    const decoded = decodeRecord(deps.codec, record, true);
    if (!decoded.ok || !seen.firstSighting(decoded.event.id)) return undefined; // republished copy
    const event = decoded.domainEvent as DomainEvent;
    const before = views.get(event.data.customerId) ?? initialCustomerView(event.data.customerId);
    const after = evolveCustomerView(before, event);
    views.set(event.data.customerId, after);
    return { decoded, event, before, after };
  }

  const live = () => {
    if (closed) throw notFound('debug session', id);
    if (running && !running.snapshot().finishedAt) {
      throw replayConflict('a controlled replay is running in this session; cancel it or wait for it');
    }
    hooks.touch(id);
  };

  await seek(optionalMillis(options.at, 'at'));

  const session: DebugSession = {
    id,
    info: () => ({
      id,
      topic,
      filter,
      time,
      cursor: Object.fromEntries([...cursor].map(([p, o]) => [String(p), o])),
      customers: views.size,
      breakpoints: [...breakpoints.values()],
      expiresAt: hooks.expiresAt(id),
    }),

    async step(n = 1) {
      live();
      if (!Number.isInteger(n) || n < 1) throw badReplayRequest(`step takes n ≥ 1, got ${n}`);
      const bounds = await deps.log.offsets(topic);
      const ranges = [...cursor].map(([partition, from]) => ({
        partition,
        from,
        to: bounds.find((b) => b.partition === partition)?.end ?? from,
      }));
      const merged = mergeByTime(ranges.map((r) => readRange(deps.log, topic, r, Math.min(n + 1, 500))));
      const events: SessionEvent[] = [];
      let hit: Breakpoint[] = [];
      let atEnd = true;
      for await (const record of merged) {
        if (events.length >= n || hit.length > 0) {
          atEnd = false;
          break;
        }
        const applied = apply(record);
        if (!applied || !compiled.eventMatches(applied.decoded)) continue;
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
    },

    async seek(at) {
      live();
      await seek(toMillis(at, 'time'));
    },

    state(customerId) {
      hooks.touch(id);
      if (customerId === undefined) return Object.fromEntries(views);
      return views.get(customerId) ?? initialCustomerView(customerId);
    },

    addBreakpoint(spec) {
      hooks.touch(id);
      return addBreakpoint(spec);
    },
    removeBreakpoint(breakpointId) {
      hooks.touch(id);
      return breakpoints.delete(breakpointId);
    },

    async controlledReplay({ from, until, speed }) {
      live();
      const end = optionalMillis(until, 'until');
      const start = optionalMillis(from, 'from');
      if (start !== undefined && end !== undefined && end < start) throw badReplayRequest('until is before from');
      if (start !== undefined) await seek(start);
      // The views before each event, for state breakpoints (the sandbox hands over the view after).
      const previous = new Map(views);
      const estimate = await estimateReplayDuration(deps.log, topic, {
        ...(time !== null ? { startTime: time } : {}),
        ...(end !== undefined ? { endTime: end + 1 } : {}),
        speed,
      });
      running = startReplay(deps, {
        topic,
        estimate,
        ...(time !== null ? { startTime: time } : {}),
        // "until T" includes the events stamped T, as seek(T) does.
        ...(end !== undefined ? { endTime: end + 1 } : {}),
        fromOffsets: new Map(cursor),
        ...(key !== undefined ? { filter: { customerId: key } } : {}),
        speed,
        ignoreErrors: true,
        target: {
          kind: 'sandbox',
          views,
          onApplied: (event, after, record) => {
            cursor.set(record.partition, record.offset + 1);
            time = record.timestamp;
            const before = previous.get(event.data.customerId) ?? initialCustomerView(event.data.customerId);
            previous.set(event.data.customerId, after);
            return hits(breakpoints.values(), event, before, after).length > 0;
          },
        },
      });
      return running;
    },

    close() {
      if (closed) return;
      closed = true;
      running?.cancel();
      views.clear();
      hooks.closed(id);
    },
  };
  return session;
}
