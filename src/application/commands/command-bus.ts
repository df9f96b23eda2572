// Runs a command the one way every write happens: in one database transaction, load the states it
// needs (locked), decide, fold the events into the read models with the domain's evolve, and append
// the events' CloudEvents to the log through the sink (the outbox). After commit, listeners hear of
// the events (cache invalidation, metrics). Group commit: concurrent commands are gathered by a
// batcher and share one transaction, each still deciding on its own (a later one sees the earlier
// ones' states) with its own answer or refusal. A group that fails as a whole (a conflict, a deadlock)
// committed nothing and its commands run again alone, where conflicts are retried as before.
import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '../../domain/index.ts';
import { DomainRejection } from '../../domain/index.ts';
import type { BssCloudEvent } from '../../events/envelope.ts';
import type { EventCodec } from '../../events/codec.ts';
import type { EventSink } from '../../log/event-sink.ts';
import type { AppendRecord } from '../../log/event-log.ts';
import type { Db } from '../../store/db.ts';
import { isTransactionConflict } from '../../store/connection-errors.ts';
import { BssError } from '../../errors.ts';
import { createUnitOfWork, type ChangedRow, type LockMode, type UnitOfWork } from '../read-model/unit-of-work.ts';
import type { ReadModelKind } from '../read-model/tables.ts';
import { createBatcher, type BatcherLoad, type Outcome } from '../batcher.ts';
import { lockFences, nextFence, type Fence, type Fences } from '../idempotency/fence.ts';

export const EVENTS_TOPIC = 'bss.events';
/** Record header naming the process that committed the event (CommandBusOptions.origin). */
export const ORIGIN_HEADER = 'bss-origin';

export interface Decision<T> {
  readonly events: readonly DomainEvent[];
  readonly result: T;
}

export interface Committed<T> extends Decision<T> {
  readonly envelopes: readonly BssCloudEvent[];
  /** The records appended to the log, one per envelope (their value is the encoded event). */
  readonly records: readonly AppendRecord[];
  readonly changed: readonly ChangedRow[];
}

/**
 * Hears of each commit. A returned promise is awaited before the command returns (the cache's Redis
 * invalidation, so the write's response is not sent before other instances can know); it must not reject.
 */
export type CommittedListener = (committed: Committed<unknown>) => void | Promise<void>;
export type GroupCommittedListener = (group: ReadonlyArray<Committed<unknown>>) => void | Promise<void>;

export interface RunOptions {
  readonly traceparent?: string;
  /**
   * Rows the command will load, fetched for its whole group in one query per table before any command
   * of the group runs (its own load calls then find them). Locks: 'update' wins over 'share'.
   */
  readonly prefetch?: ReadonlyArray<{
    readonly kind: ReadModelKind;
    readonly ids: readonly string[];
    readonly lock?: LockMode;
  }>;
  /** What the command weighs in its group (default 1; a usage chunk: its records). */
  readonly weight?: number;
}

export interface CommandBus {
  /** `work` loads what it needs through the unit of work and returns the decided events. */
  run<T>(work: (uow: UnitOfWork) => Promise<Decision<T>>, options?: RunOptions): Promise<Committed<T>>;
  /** Hears of each committed command (after its group committed). */
  onCommitted(listener: CommittedListener): void;
  /** Hears of each group once, with its committed commands: one Redis round trip per group. */
  onGroupCommitted(listener: GroupCommittedListener): void;
  /** Hears of every command the domain refused (offered load that produced no event). */
  onRejected(listener: (rejection: DomainRejection) => void): void;
  /** Commands waiting for a group (admission control reads it). */
  load(): BatcherLoad;
  /** The topic the bus appends to. */
  readonly topic: string;
}

export interface GroupCommitOptions {
  /** Commands per group (default 128). */
  readonly maxCommands?: number;
  /** Total weight per group (default 4,000). */
  readonly maxWeight?: number;
  /** Groups in flight at once (default 1). */
  readonly concurrency?: number;
}

export interface CommandBusOptions {
  readonly db: Db;
  readonly sink: EventSink;
  readonly codec: EventCodec;
  readonly source?: string;
  readonly topic?: string;
  readonly maxAttempts?: number;
  /**
   * This process's id, sent with every record as the ORIGIN_HEADER: its own in-process consumers can
   * skip what its commit listeners already did (the cache's write path).
   */
  readonly origin?: string;
  readonly group?: GroupCommitOptions;
}

/** A conflict with another command, or a transaction the database aborted: the group can simply run again. */
function isRetryable(error: unknown): boolean {
  if (error instanceof BssError)
    return error.retryable && (error.code === 'CONCURRENT_MODIFICATION' || error.code === 'TRANSACTION_CONFLICT');
  return isTransactionConflict(error);
}

/**
 * A command's own failure, which leaves the transaction usable: the domain's refusal or a final BssError
 * of its work (not found, stale If-Match). Retryable ones (a conflict, a database that went away) may
 * come from a failed statement, so they abort the group like any other error.
 */
function isCommandFailure(error: unknown): boolean {
  return error instanceof BssError && !error.retryable;
}

interface Command {
  readonly work: (uow: UnitOfWork) => Promise<Decision<unknown>>;
  readonly options: RunOptions;
  /** Set when a request with an Idempotency-Key submits it (src/application/idempotency/fence.ts). */
  readonly fence?: Fence;
}

export function createCommandBus(options: CommandBusOptions): CommandBus {
  const topic = options.topic ?? EVENTS_TOPIC;
  const maxAttempts = options.maxAttempts ?? 4;
  const hearers: Hearers = { committed: [], group: [], rejected: [] };
  const attempt = groupTransaction({ ...options, topic, runOne: commandRunner(options) });

  // A group that failed as a whole committed nothing: each command then runs alone, with retries.
  async function alone(command: Command): Promise<Outcome<Committed<unknown>>> {
    for (let n = 1; ; n++) {
      try {
        return (await attempt([command]))[0] as Outcome<Committed<unknown>>;
      } catch (error) {
        if (n >= maxAttempts || !isRetryable(error)) return { ok: false, error };
      }
    }
  }

  async function commitGroup(commands: readonly Command[]): Promise<Array<Outcome<Committed<unknown>>>> {
    let outcomes: Array<Outcome<Committed<unknown>>> | undefined;
    if (commands.length > 1) outcomes = await attempt(commands).catch(() => undefined);
    if (!outcomes) {
      outcomes = [];
      for (const command of commands) outcomes.push(await alone(command));
    }
    await tell(hearers, outcomes);
    return outcomes;
  }

  const batcher = createBatcher<Command, Committed<unknown>>({
    process: commitGroup,
    weightOf: (command) => command.options.weight ?? 1,
    ...(options.group?.maxCommands ? { maxItems: options.group.maxCommands } : {}),
    ...(options.group?.maxWeight ? { maxWeight: options.group.maxWeight } : {}),
    ...(options.group?.concurrency ? { concurrency: options.group.concurrency } : {}),
  });

  return {
    run<T>(work: (uow: UnitOfWork) => Promise<Decision<T>>, runOptions: RunOptions = {}) {
      const fence = nextFence();
      return batcher.submit({ work, options: runOptions, ...(fence ? { fence } : {}) }) as Promise<Committed<T>>;
    },
    onCommitted: (listener) => void hearers.committed.push(listener),
    onGroupCommitted: (listener) => void hearers.group.push(listener),
    onRejected: (listener) => void hearers.rejected.push(listener),
    load: () => batcher.load(),
    topic,
  };
}

type RunOne = (uow: UnitOfWork, fences: Fences, command: Command) => Promise<Outcome<Committed<unknown>>>;

/**
 * One command in its group. Committed before by the request whose claim this retry took over: its
 * result, no rerun. A claim taken over by a retry refuses only this command.
 */
function commandRunner(options: Pick<CommandBusOptions, 'codec' | 'source' | 'origin'>): RunOne {
  const { codec } = options;
  const source = options.source ?? '/bss/api';
  const headers: Record<string, string> = options.origin ? { [ORIGIN_HEADER]: options.origin } : {};
  return async function runOne(uow, fences, command) {
    const entered = command.fence ? fences.enter(command.fence) : { kind: 'run' as const };
    if (entered.kind === 'refused') return { ok: false, error: entered.error };
    if (entered.kind === 'done') {
      return { ok: true, value: { events: [], result: entered.result, envelopes: [], records: [], changed: [] } };
    }
    let decision: Decision<unknown>;
    try {
      decision = await command.work(uow);
    } catch (error) {
      if (!isCommandFailure(error)) throw error;
      return { ok: false, error };
    }
    if (command.fence) fences.done(command.fence, decision.result);
    const changed = await uow.apply(decision.events);
    const { traceparent } = command.options;
    const envelopes = decision.events.map((event) =>
      codec.encode(event, { id: randomUUID(), source, ...(traceparent ? { traceparent } : {}) }),
    );
    const records = envelopes.map((e) => codec.toRecord(e, headers));
    return { ok: true, value: { ...decision, envelopes, records, changed } };
  };
}

/**
 * One transaction for a group. A command's own failure (its work threw a domain rejection or an
 * BssError) is its outcome alone: it changed nothing, since the unit of work only changes on apply.
 * Anything else (SQL errors, conflicts on flush) aborts the whole transaction and is thrown.
 */
function groupTransaction(parts: { db: Db; sink: EventSink; topic: string; runOne: RunOne }) {
  const { db, sink, topic, runOne } = parts;
  return (commands: readonly Command[]): Promise<Array<Outcome<Committed<unknown>>>> =>
    db.transaction(async (tx) => {
      // The cache NOTIFY triggers (migration 021) stay quiet for the service's own writes: the write
      // path and the event log invalidate them already, and NOTIFY serialises commits (~5,500 → ~3,100
      // tx/s). NOTIFY is left to SQL run outside the service.
      await tx.query(`SELECT set_config('bss.cache_notify', 'off', true)`);
      const fences = await lockFences(
        tx,
        commands.flatMap((c) => (c.fence ? [c.fence] : [])),
      );
      const uow = createUnitOfWork(tx);
      // Rows and events (database log, or Kafka's outbox) commit together, so the read model decides ids
      // authoritatively in both modes; a rebuild's swap keeps that (src/replay/rebuild/rebuild.ts).
      await prefetch(uow, commands);
      const outcomes: Array<Outcome<Committed<unknown>>> = [];
      const records: AppendRecord[] = [];
      for (const command of commands) {
        const outcome = await runOne(uow, fences, command);
        if (outcome.ok) records.push(...outcome.value.records);
        outcomes.push(outcome);
      }
      await fences.record();
      await uow.flush();
      if (records.length > 0) await sink.appendWithin(tx, topic, records);
      return outcomes;
    });
}

interface Hearers {
  readonly committed: CommittedListener[];
  readonly group: GroupCommittedListener[];
  readonly rejected: Array<(rejection: DomainRejection) => void>;
}

/** After the group's outcome: refusals, each commit, then the group once; awaits what they return. */
async function tell(hearers: Hearers, outcomes: ReadonlyArray<Outcome<Committed<unknown>>>): Promise<void> {
  const committed: Array<Committed<unknown>> = [];
  for (const outcome of outcomes) {
    if (outcome.ok) committed.push(outcome.value);
    else if (outcome.error instanceof DomainRejection) for (const l of hearers.rejected) l(outcome.error);
  }
  const pending: Array<Promise<void>> = [];
  for (const c of committed) for (const l of hearers.committed) pending.push(l(c) ?? Promise.resolve());
  if (committed.length > 0) for (const l of hearers.group) pending.push(l(committed) ?? Promise.resolve());
  await Promise.all(pending);
}

/** The group's declared rows, one query per table, ids sorted (the same lock order in every group). */
async function prefetch(uow: UnitOfWork, commands: readonly Command[]): Promise<void> {
  const wanted = new Map<ReadModelKind, { ids: Set<string>; lock: LockMode }>();
  for (const command of commands) {
    for (const p of command.options.prefetch ?? []) {
      const entry = wanted.get(p.kind) ?? { ids: new Set<string>(), lock: 'share' as LockMode };
      for (const id of p.ids) entry.ids.add(id);
      if ((p.lock ?? 'update') === 'update') entry.lock = 'update';
      wanted.set(p.kind, entry);
    }
  }
  for (const [kind, { ids, lock }] of wanted) if (ids.size > 0) await uow.loadMany(kind, [...ids].sort(), lock);
}
