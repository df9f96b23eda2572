// Why a swap, not a rename, why `until` never swaps, and how the tail stays consistent: src/replay/README.md.
import { SeenEvents } from '../shared/seen-events.ts';
import type { DomainEvent } from '../../domain/index.ts';
import type { EventCodec } from '../../events/codec.ts';
import type { EventLog } from '../../log/event-log.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { BssError } from '../../errors.ts';
import { databaseLogReader } from '../../log/database/records.ts';
import { replayConflict } from '../shared/errors.ts';
import { decodeRecord } from '../shared/filter.ts';
import { readPages } from '../shared/records.ts';
import { endOffsetAt } from '../time-travel/index.ts';
import {
  applyEvents,
  createShadowTables,
  deleteShadowRows,
  loadShadowRows,
  maxShadowSeq,
  shadowOf,
  swapTable,
  writeShadow,
  type ReadModels,
  type Row,
} from './shadow-tables.ts';
import { optionalMillis, type TimeInput } from '../shared/time.ts';

export type { RebuildModel } from './shadow-tables.ts';

type LogReader = Pick<EventLog, 'read' | 'offsets'>;

export interface RebuildRequest {
  readonly db: Db;
  readonly log: EventLog;
  readonly codec: EventCodec;
  readonly topic: string;
  readonly models: ReadModels;
  readonly until?: TimeInput;
  /** Default: true for the whole log, false with `until` (a past state never becomes the live one). */
  readonly swap?: boolean;
  readonly settle?: () => Promise<void>;
}

export interface RebuildResult {
  readonly events: number;
  readonly rows: Readonly<Record<string, number>>;
  readonly swapped: boolean;
  readonly offsets: Readonly<Record<string, number>>;
}

let rebuilding = false;

export async function rebuildReadModels(request: RebuildRequest): Promise<RebuildResult> {
  if (rebuilding) throw replayConflict('a read-model rebuild is already running');
  rebuilding = true;
  try {
    return await rebuild(request);
  } finally {
    rebuilding = false;
  }
}

const pastSwapRefused = (): BssError =>
  new BssError('INVALID_REPLAY_REQUEST', 'a rebuild until a past time goes to the shadow tables only', {
    status: 400,
    errors: [{ field: '/body/swap', message: 'must be false or absent when until is given' }],
  });

async function rebuild(request: RebuildRequest): Promise<RebuildResult> {
  const { db, log, topic, models } = request;
  const until = optionalMillis(request.until, 'until');
  if (until !== undefined && request.swap === true) throw pastSwapRefused();
  const swap = request.swap ?? until === undefined;
  const models_ = Object.values(models);
  await createShadowTables(db, models);
  const folded = new Map<number, number>();
  let events = 0;
  let seq = 0;
  const bounds = await log.offsets(topic);
  for (const { partition, start } of bounds) {
    const end = await endOffsetAt(log, topic, partition, until);
    const rows = new Map<string, Row>();
    events += await foldInto(request, log, rows, partition, start, end);
    seq = await writeShadow(db, models, rows.values(), seq);
    folded.set(partition, end);
  }
  if (until === undefined) {
    // Most of the tail now, so the locked part of the swap has little left to do.
    const tail = await foldTail(request, log, folded, db);
    events += tail.events;
    seq = tail.seq;
  }
  if (swap) {
    await refuseDuplicateIds(db, models);
    await db.transaction(async (tx) => {
      await tx.query(`LOCK TABLE ${models_.map((m) => m.table).join(', ')} IN ACCESS EXCLUSIVE MODE`);
      if (log.kind === 'kafka') await request.settle?.();
      const reader = log.kind === 'kafka' ? log : databaseLogReader(tx);
      events += (await foldTail(request, reader, folded, tx, seq)).events;
      for (const m of models_) await swapTable(tx, m.table);
    });
  }
  const rows: Record<string, number> = {};
  for (const m of models_) {
    const { rows: count } = await db.query<{ n: number | string }>(
      `SELECT count(*) AS n FROM ${swap ? m.table : shadowOf(m.table)}`,
    );
    rows[m.kind] = Number(count[0]?.n ?? 0);
  }
  return { events, rows, swapped: swap, offsets: Object.fromEntries([...folded].map(([p, o]) => [String(p), o])) };
}

async function foldInto(
  request: RebuildRequest,
  log: LogReader,
  rows: Map<string, Row>,
  partition: number,
  from: number,
  to: number,
  shadow?: Queryable,
): Promise<number> {
  let count = 0;
  const seen = new SeenEvents();
  for await (const page of readPages(log, request.topic, { partition, from, to }, 1000)) {
    const events = page.flatMap((r) => {
      const d = decodeRecord(request.codec, r, true);
      // A republished copy (at-least-once relay) is applied once.
      return d.ok && seen.firstSighting(d.event.id) ? [d.domainEvent as DomainEvent] : [];
    });
    if (shadow) await loadShadowRows(shadow, request.models, rows, events);
    applyEvents(request.models, rows, events);
    count += page.length;
  }
  return count;
}

async function foldTail(
  request: RebuildRequest,
  log: LogReader,
  folded: Map<number, number>,
  shadow: Queryable,
  seqStart?: number,
) {
  let events = 0;
  let seq = seqStart ?? (await maxShadowSeq(shadow, request.models));
  for (const { partition, end } of await log.offsets(request.topic)) {
    const from = folded.get(partition) ?? 0;
    if (end <= from) continue;
    const rows = new Map<string, Row>();
    events += await foldInto(request, log, rows, partition, from, end, shadow);
    await deleteShadowRows(shadow, request.models, rows.values());
    seq = await writeShadow(shadow, request.models, rows.values(), seq);
    folded.set(partition, end);
  }
  return { events, seq };
}

/** One id in two partitions means two creations in the log; swapping that in breaks the primary key. */
async function refuseDuplicateIds(db: Queryable, models: ReadModels): Promise<void> {
  for (const m of Object.values(models)) {
    const { rows } = await db.query<{ id: string }>(
      `SELECT id FROM ${shadowOf(m.table)} GROUP BY id HAVING count(*) > 1 ORDER BY id LIMIT 10`,
    );
    if (rows.length > 0) {
      const ids = rows.map((r) => r.id).join(', ');
      throw replayConflict(`the log creates ${m.kind} ${ids} more than once (in different partitions): not swapped in`);
    }
  }
}
