// The one write path: in one transaction load (locked), decide, fold into the read models and append to the log
// (outbox). Group commit: each command still decides alone; a group that fails whole reruns each alone.
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
import { allInOrder } from '../../store/all-in-order.ts';

export const EVENTS_TOPIC = 'bss.events';
export const ORIGIN_HEADER = 'bss-origin';

export interface Decision<T> {
  readonly events: readonly DomainEvent[];
  readonly result: T;
}

export interface Committed<T> extends Decision<T> {
  readonly envelopes: readonly BssCloudEvent[];
  readonly records: readonly AppendRecord[];
  readonly changed: readonly ChangedRow[];
}

/** Awaited before the command returns (so other instances can know before the answer); must not reject. */
export type CommittedListener = (committed: Committed<unknown>) => void | Promise<void>;
export type GroupCommittedListener = (group: ReadonlyArray<Committed<unknown>>) => void | Promise<void>;

export interface Prefetch {
  readonly kind: ReadModelKind;
  readonly ids: readonly string[];
  readonly lock?: LockMode;
}

/** What a command reads: loaded for its whole group before any command decides, so a group costs the same
 * round trips whatever its size (a load left to the command is one round trip, with the group's locks held). */
export interface RunOptions {
  readonly traceparent?: string;
  /** Fetched for the whole group in one query per table; 'update' wins over 'share'. */
  readonly prefetch?: readonly Prefetch[];
  /** Rows named by prefetched ones (an order's customer), fetched for the whole group in a second round trip. */
  readonly prefetchThen?: (uow: Pick<UnitOfWork, 'peek'>) => readonly Prefetch[];
  /** Default 1; a usage chunk: its records. */
  readonly weight?: number;
}

export interface CommandBus {
  run<T>(work: (uow: UnitOfWork) => Promise<Decision<T>>, options?: RunOptions): Promise<Committed<T>>;
  onCommitted(listener: CommittedListener): void;
  onGroupCommitted(listener: GroupCommittedListener): void;
  onRejected(listener: (rejection: DomainRejection) => void): void;
  load(): BatcherLoad;
  readonly topic: string;
}

export interface GroupCommitOptions {
  readonly maxCommands?: number;
  readonly maxWeight?: number;
  readonly concurrency?: number;
  /** Weight that must wait before a group beyond the first starts. */
  readonly overlapWeight?: number;
  /** The least time between two group starts while single commands stream in (batcher.ts). */
  readonly spacingMs?: number;
}

/** A usage chunk's worth: then the next group's decisions overlap the last one's commit (batched +41 %,
 * bench/results/TUNING.md); single commands keep filling one group, which serves them better. */
const OVERLAP_WEIGHT = 1000;

export interface CommandBusOptions {
  readonly db: Db;
  readonly sink: EventSink;
  readonly codec: EventCodec;
  readonly source?: string;
  readonly topic?: string;
  readonly maxAttempts?: number;
  /** Sent as ORIGIN_HEADER, so this process's consumers skip what its commit listeners did. */
  readonly origin?: string;
  readonly group?: GroupCommitOptions;
}

function isRetryable(error: unknown): boolean {
  if (error instanceof BssError)
    return error.retryable && (error.code === 'CONCURRENT_MODIFICATION' || error.code === 'TRANSACTION_CONFLICT');
  return isTransactionConflict(error);
}

/** Leaves the transaction usable. Retryable errors may come from a failed statement, so they abort the group. */
function isCommandFailure(error: unknown): boolean {
  return error instanceof BssError && !error.retryable;
}

/** A committed command and its group's listeners at work. */
interface Told {
  readonly committed: Committed<unknown>;
  readonly told: Promise<void>;
}

interface Command {
  readonly work: (uow: UnitOfWork) => Promise<Decision<unknown>>;
  readonly options: RunOptions;
  readonly fence?: Fence;
}

export function createCommandBus(options: CommandBusOptions): CommandBus {
  const topic = options.topic ?? EVENTS_TOPIC;
  const maxAttempts = options.maxAttempts ?? 4;
  const hearers: Hearers = { committed: [], group: [], rejected: [] };
  const attempt = groupTransaction({ ...options, topic, runOne: commandRunner(options) });

  async function alone(command: Command): Promise<Outcome<Committed<unknown>>> {
    for (let n = 1; ; n++) {
      try {
        return (await attempt([command]))[0] as Outcome<Committed<unknown>>;
      } catch (error) {
        if (n >= maxAttempts || !isRetryable(error)) return { ok: false, error };
      }
    }
  }

  /** A conflict (deadlock victim, a row changed under it) reruns the group whole; other failures mean a
   * command broke the transaction, and only running each alone tells which. */
  async function together(commands: readonly Command[]): Promise<Array<Outcome<Committed<unknown>>> | undefined> {
    for (let n = 1; n < maxAttempts; n++) {
      try {
        return await attempt(commands);
      } catch (error) {
        if (!isRetryable(error)) return undefined;
      }
    }
    return undefined;
  }

  async function commitGroup(commands: readonly Command[]): Promise<Array<Outcome<Told>>> {
    let outcomes: Array<Outcome<Committed<unknown>>> | undefined;
    if (commands.length > 1) outcomes = await together(commands);
    if (!outcomes) {
      outcomes = [];
      for (const command of commands) outcomes.push(await alone(command));
    }
    // Each command still waits for the listeners; the next group's transaction need not.
    const told = tell(hearers, outcomes);
    told.catch(() => {}); // a group of refusals only: nobody awaits it
    return outcomes.map((o) => (o.ok ? { ok: true, value: { committed: o.value, told } } : o));
  }

  const batcher = createBatcher<Command, Told>({
    process: commitGroup,
    weightOf: (command) => command.options.weight ?? 1,
    ...(options.group?.maxCommands ? { maxItems: options.group.maxCommands } : {}),
    ...(options.group?.maxWeight ? { maxWeight: options.group.maxWeight } : {}),
    ...(options.group?.concurrency ? { concurrency: options.group.concurrency } : {}),
    overlapWeight: options.group?.overlapWeight ?? OVERLAP_WEIGHT,
    ...(options.group?.spacingMs ? { spacingMs: options.group.spacingMs } : {}),
  });

  return {
    async run<T>(work: (uow: UnitOfWork) => Promise<Decision<T>>, runOptions: RunOptions = {}) {
      const fence = nextFence();
      const { committed, told } = await batcher.submit({ work, options: runOptions, ...(fence ? { fence } : {}) });
      await told;
      return committed as Committed<T>;
    },
    onCommitted: (listener) => void hearers.committed.push(listener),
    onGroupCommitted: (listener) => void hearers.group.push(listener),
    onRejected: (listener) => void hearers.rejected.push(listener),
    load: () => batcher.load(),
    topic,
  };
}

type RunOne = (uow: UnitOfWork, fences: Fences, command: Command) => Promise<Outcome<Committed<unknown>>>;

/** Committed before by the request whose claim this retry took over: its result, no rerun. */
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

/** A command's own failure is its outcome alone; anything else aborts the whole transaction. */
function groupTransaction(parts: { db: Db; sink: EventSink; topic: string; runOne: RunOne }) {
  const { db, sink, topic, runOne } = parts;
  return (commands: readonly Command[]): Promise<Array<Outcome<Committed<unknown>>>> =>
    db.transaction(async (tx) => {
      const uow = createUnitOfWork(tx);
      // Independent statements are started together, so a pipelining driver sends them in one round trip.
      const [, fences] = await allInOrder([
        // NOTIFY triggers stay quiet for our own writes: the write path invalidates, and NOTIFY serialises commits (021).
        tx.query(`SELECT set_config('bss.cache_notify', 'off', true)`),
        lockFences(
          tx,
          commands.flatMap((c) => (c.fence ? [c.fence] : [])),
        ),
        // Rows and events commit together, so the read model decides ids authoritatively in both modes.
        prefetch(
          uow,
          commands.flatMap((c) => c.options.prefetch ?? []),
        ),
      ]);
      await prefetch(
        uow,
        commands.flatMap((c) => c.options.prefetchThen?.(uow) ?? []),
      );
      const outcomes: Array<Outcome<Committed<unknown>>> = [];
      const records: AppendRecord[] = [];
      for (const command of commands) {
        const outcome = await runOne(uow, fences, command);
        if (outcome.ok) records.push(...outcome.value.records);
        outcomes.push(outcome);
      }
      await allInOrder([
        fences.record(),
        uow.flush(),
        records.length > 0 ? sink.appendWithin(tx, topic, records) : undefined,
        // Every write above is on its way: COMMIT follows them in the same round trip.
        records.length === 0 || sink.sendsAtOnce ? tx.commit() : undefined,
      ]);
      return outcomes;
    });
}

interface Hearers {
  readonly committed: CommittedListener[];
  readonly group: GroupCommittedListener[];
  readonly rejected: Array<(rejection: DomainRejection) => void>;
}

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

/** The one lock order of every group: the rows a command names first, then the customer and balance they lead
 * to, which a group's second round (prefetchThen) adds; ids sorted within a table. */
const LOCK_ORDER: Readonly<Record<ReadModelKind, number>> = {
  usage: 0,
  subscription: 1,
  invoice: 2,
  payment: 3,
  order: 4,
  customer: 5,
  balance: 6,
};

async function prefetch(uow: UnitOfWork, wants: readonly Prefetch[]): Promise<void> {
  const wanted = new Map<ReadModelKind, { ids: Set<string>; lock: LockMode }>();
  for (const p of wants) {
    const entry = wanted.get(p.kind) ?? { ids: new Set<string>(), lock: 'share' as LockMode };
    for (const id of p.ids) entry.ids.add(id);
    if ((p.lock ?? 'update') === 'update') entry.lock = 'update';
    wanted.set(p.kind, entry);
  }
  const kinds = [...wanted.keys()].sort((a, b) => LOCK_ORDER[a] - LOCK_ORDER[b]);
  await allInOrder(
    kinds.map((kind) => {
      const { ids, lock } = wanted.get(kind) as { ids: Set<string>; lock: LockMode };
      return ids.size > 0 ? uow.loadMany(kind, [...ids].sort(), lock) : undefined;
    }),
  );
}
