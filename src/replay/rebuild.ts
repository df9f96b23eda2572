// Read-model rebuild: fold the log with the same evolve as the live read model into shadow tables
// (`<table>_shadow`), then swap them in within one transaction.
//
// The swap is TRUNCATE + INSERT … SELECT under ACCESS EXCLUSIVE locks rather than ALTER TABLE …
// RENAME: the live tables keep their identity, so their indexes (named in the migrations), identity
// sequences, triggers (cache invalidation may NOTIFY from them) and grants stay as they are, and a
// later migration still finds what it expects. The price is copying the rows while readers wait on
// the lock; TRUNCATE and the insert are one transaction, so readers see the old or the new tables.
// A row's new version is its event count plus its old version, so no ETag a client holds (a
// version it saw) can match a rebuilt row by accident.
//
// Consistency with writes: commands commit read model and log together (database log), and the
// swap locks the tables first; on PostgreSQL the events appended until the lock was granted are
// then folded inside the swap. On PGlite (one connection) the tail is folded just before the swap.
// In Kafka mode commands' events wait in the outbox: drain the relay before a rebuild.
import { aggregatesOf, type DomainEvent } from '../domain/index.ts';
import type { EventCodec } from '../events/codec.ts';
import type { EventLog } from '../log/event-log.ts';
import type { Db, Queryable } from '../store/db.ts';
import { decodeRecord } from './filter.ts';
import { readPages } from './records.ts';
import { endOffsetAt } from './reconstruct.ts';
import { replayConflict } from './errors.ts';
import { optionalMillis, type TimeInput } from './time.ts';

/** The shape of src/application/read-model/tables.ts READ_MODELS entries (passed in: replay sits below application). */
export interface RebuildModel {
  readonly kind: string;
  readonly table: string;
  evolve(state: unknown, event: DomainEvent, id: string): unknown;
  columns(state: unknown): Record<string, string>;
  status(state: unknown): string;
}

export interface RebuildRequest {
  readonly db: Db;
  readonly log: EventLog;
  readonly codec: EventCodec;
  readonly topic: string;
  /** READ_MODELS from src/application/read-model/tables.ts, keyed by kind ('customer', …, 'balance'). */
  readonly models: Readonly<Record<string, RebuildModel>>;
  /** Fold only events up to this time (inclusive); default the whole log, tail included. */
  readonly until?: TimeInput;
  /** Swap the shadow tables in (default true); false leaves `<table>_shadow` for inspection. */
  readonly swap?: boolean;
}

export interface RebuildResult {
  readonly events: number;
  readonly rows: Readonly<Record<string, number>>;
  readonly swapped: boolean;
  /** Next offset folded per partition. */
  readonly offsets: Readonly<Record<string, number>>;
}

interface Row {
  kind: string;
  id: string;
  customerId: string;
  state: unknown;
  version: number;
  firstAt: string;
  lastAt: string;
}

const shadowOf = (table: string) => `${table}_shadow`;
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

async function rebuild(request: RebuildRequest): Promise<RebuildResult> {
  const { db, log, topic, models } = request;
  const until = optionalMillis(request.until, 'until');
  const models_ = Object.values(models);
  for (const m of models_) {
    if (!/^[a-z_][a-z0-9_]*$/.test(m.table)) throw new RangeError(`unexpected table name ${m.table}`);
    await db.exec(`DROP TABLE IF EXISTS ${shadowOf(m.table)}; CREATE TABLE ${shadowOf(m.table)} (LIKE ${m.table})`);
  }
  const folded = new Map<number, number>();
  let events = 0;
  let seq = 0;
  const bounds = await log.offsets(topic);
  for (const { partition, start } of bounds) {
    const end = await endOffsetAt(log, topic, partition, until);
    const rows = new Map<string, Row>();
    events += await foldInto(request, rows, partition, start, end);
    seq = await writeShadow(db, models, rows.values(), seq);
    folded.set(partition, end);
  }
  if (until === undefined) {
    // Most of the tail now, so the locked part of the swap has little left to do.
    const tail = await foldTail(request, folded, db);
    events += tail.events;
    seq = tail.seq;
  }
  const swap = request.swap ?? true;
  if (swap) {
    await db.transaction(async (tx) => {
      await tx.query(`LOCK TABLE ${models_.map((m) => m.table).join(', ')} IN ACCESS EXCLUSIVE MODE`);
      if (until === undefined && db.kind === 'postgres') events += (await foldTail(request, folded, tx, seq)).events;
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

/** Folds [from, to) of a partition into rows (loaded from the shadow where they are not in `rows` yet). */
async function foldInto(
  request: RebuildRequest,
  rows: Map<string, Row>,
  partition: number,
  from: number,
  to: number,
  shadow?: Queryable,
): Promise<number> {
  let count = 0;
  for await (const page of readPages(request.log, request.topic, { partition, from, to }, 1000)) {
    const decoded = page.flatMap((r) => {
      const d = decodeRecord(request.codec, r, true);
      return d.ok ? [d.domainEvent as DomainEvent] : [];
    });
    if (shadow) await loadShadowRows(shadow, request.models, rows, decoded);
    for (const event of decoded) {
      for (const ref of [...aggregatesOf(event), { type: 'balance', id: event.data.customerId }]) {
        const model = request.models[ref.type];
        if (!model) continue;
        const key = `${ref.type}:${ref.id}`;
        const row = rows.get(key);
        const state = model.evolve(row?.state ?? null, event, ref.id);
        if (row) Object.assign(row, { state, version: row.version + 1, lastAt: event.data.at });
        else
          rows.set(key, {
            kind: ref.type,
            id: ref.id,
            customerId: event.data.customerId,
            state,
            version: 1,
            firstAt: event.data.at,
            lastAt: event.data.at,
          });
      }
    }
    count += page.length;
  }
  return count;
}

async function loadShadowRows(
  shadow: Queryable,
  models: Readonly<Record<string, RebuildModel>>,
  rows: Map<string, Row>,
  events: readonly DomainEvent[],
): Promise<void> {
  const wanted = new Map<string, Set<string>>();
  for (const event of events) {
    for (const ref of [...aggregatesOf(event), { type: 'balance', id: event.data.customerId }]) {
      if (!rows.has(`${ref.type}:${ref.id}`)) wanted.set(ref.type, (wanted.get(ref.type) ?? new Set()).add(ref.id));
    }
  }
  for (const [kind, ids] of wanted) {
    const model = models[kind];
    if (!model) continue;
    const { rows: found } = await shadow.query<{
      id: string;
      customer_id: string;
      state: unknown;
      version: number;
      created_at: Date | string;
    }>(`SELECT id, customer_id, state, version, created_at FROM ${shadowOf(model.table)} WHERE id = ANY($1::text[])`, [
      [...ids],
    ]);
    for (const r of found) {
      const at = new Date(r.created_at).toISOString();
      rows.set(`${kind}:${r.id}`, {
        kind,
        id: r.id,
        customerId: r.customer_id,
        state: r.state,
        version: r.version,
        firstAt: at,
        lastAt: at,
      });
    }
  }
}

/** Folds what was appended since `folded` into the shadow tables (upserting the touched rows). */
async function foldTail(request: RebuildRequest, folded: Map<number, number>, shadow: Queryable, seqStart?: number) {
  let events = 0;
  let seq = seqStart ?? (await maxShadowSeq(shadow, request.models));
  for (const { partition, end } of await request.log.offsets(request.topic)) {
    const from = folded.get(partition) ?? 0;
    if (end <= from) continue;
    const rows = new Map<string, Row>();
    events += await foldInto(request, rows, partition, from, end, shadow);
    for (const m of Object.values(request.models)) {
      const ids = [...rows.values()].filter((r) => r.kind === m.kind).map((r) => r.id);
      if (ids.length > 0) await shadow.query(`DELETE FROM ${shadowOf(m.table)} WHERE id = ANY($1::text[])`, [ids]);
    }
    seq = await writeShadow(shadow, request.models, rows.values(), seq);
    folded.set(partition, end);
  }
  return { events, seq };
}

async function maxShadowSeq(db: Queryable, models: Readonly<Record<string, RebuildModel>>): Promise<number> {
  let max = 0;
  for (const m of Object.values(models)) {
    const { rows } = await db.query<{ m: number | string | null }>(`SELECT max(seq) AS m FROM ${shadowOf(m.table)}`);
    max = Math.max(max, Number(rows[0]?.m ?? 0));
  }
  return max;
}

/** Bulk insert into the shadow tables, 1000 rows a statement; returns the last seq used. */
async function writeShadow(
  db: Queryable,
  models: Readonly<Record<string, RebuildModel>>,
  rows: Iterable<Row>,
  seq: number,
) {
  const byKind = new Map<string, Row[]>();
  for (const row of rows) if (row.state !== null) byKind.set(row.kind, [...(byKind.get(row.kind) ?? []), row]);
  for (const [kind, list] of byKind) {
    const model = models[kind] as RebuildModel;
    const extra = Object.keys(model.columns(list[0]?.state));
    const types = [
      'id text',
      'customer_id text',
      'status text',
      ...extra.map((c) => `${c} ${c.endsWith('_at') ? 'timestamptz' : 'text'}`),
      'state jsonb',
      'version int',
      'seq bigint',
      'created_at timestamptz',
      'updated_at timestamptz',
    ];
    const names = types.map((t) => t.split(' ')[0]).join(', ');
    for (let i = 0; i < list.length; i += 1000) {
      const chunk = list.slice(i, i + 1000).map((r) => ({
        id: r.id,
        customer_id: r.customerId,
        status: model.status(r.state),
        ...model.columns(r.state),
        state: r.state,
        version: r.version,
        seq: ++seq,
        created_at: r.firstAt,
        updated_at: r.lastAt,
      }));
      await db.query(
        `INSERT INTO ${shadowOf(model.table)} (${names}) SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS x(${types.join(', ')})`,
        [JSON.stringify(chunk)],
      );
    }
  }
  return seq;
}

/** Replaces the live rows with the shadow's, in the caller's (locking) transaction. */
async function swapTable(tx: Queryable, table: string): Promise<void> {
  const shadow = shadowOf(table);
  const { rows } = await tx.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_name = $1 AND table_schema = current_schema() AND column_name <> 'seq' ORDER BY ordinal_position`,
    [table],
  );
  const columns = rows.map((r) => r.column_name).join(', ');
  await tx.query(`UPDATE ${shadow} s SET version = s.version + l.version FROM ${table} l WHERE l.id = s.id`);
  await tx.query(`TRUNCATE ${table}`);
  // The live identity numbers the rows again, in the shadow's order: list cursors stay monotonic.
  await tx.query(`INSERT INTO ${table} (${columns}) SELECT ${columns} FROM ${shadow} ORDER BY seq`);
  await tx.query(`DROP TABLE ${shadow}`);
}
