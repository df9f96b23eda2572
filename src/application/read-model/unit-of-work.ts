// New rows INSERT (a concurrent create fails on the primary key), changed rows UPDATE … WHERE version = the
// version read. In a group commit each apply() moves its rows one version on; flush() writes each row once.
import { affectsBalance, aggregatesOf, type DomainEvent } from '../../domain/index.ts';
import type { Queryable } from '../../store/db.ts';
import { BssError } from '../../errors.ts';
import { READ_MODELS, type ReadModelKind, type ReadModelTable } from './tables.ts';
import { allInOrder } from '../../store/all-in-order.ts';

export interface Loaded<S> {
  readonly state: S | null;
  /** 0 = no row yet. */
  readonly version: number;
}

export type LockMode = 'update' | 'share';

interface Entry {
  readonly kind: ReadModelKind;
  readonly id: string;
  customerId: string | undefined;
  /** The UPDATE's expected version. */
  stored: number;
  version: number;
  state: unknown;
  changed: boolean;
  firstAt: string | undefined;
  lastAt: string | undefined;
}

export interface ChangedRow {
  readonly kind: ReadModelKind;
  readonly id: string;
  readonly state: unknown;
  readonly version: number;
}

export interface UnitOfWork {
  load<S>(kind: ReadModelKind, id: string, lock?: LockMode): Promise<Loaded<S>>;
  loadMany<S>(kind: ReadModelKind, ids: readonly string[], lock?: LockMode): Promise<Map<string, Loaded<S>>>;
  /** A row this unit of work already holds, without a round trip; undefined if not loaded yet. */
  peek<S>(kind: ReadModelKind, id: string): Loaded<S> | undefined;
  /** All or nothing; returns the rows it changed, each one version on. */
  apply(events: readonly DomainEvent[]): Promise<ChangedRow[]>;
  flush(): Promise<void>;
  /** For rules no read model holds (email claims); written only after deciding, so a refusal leaves nothing. */
  readonly tx: Queryable;
}

const key = (kind: ReadModelKind, id: string) => `${kind}:${id}`;

export function readModelRefsOf(event: DomainEvent): Array<{ type: ReadModelKind; id: string }> {
  const refs: Array<{ type: ReadModelKind; id: string }> = aggregatesOf(event);
  if (affectsBalance(event)) refs.push({ type: 'balance', id: event.data.customerId });
  return refs;
}

export function createUnitOfWork(tx: Queryable): UnitOfWork {
  const entries = new Map<string, Entry>();

  async function loadMany<S>(kind: ReadModelKind, ids: readonly string[], lock: LockMode = 'update') {
    const missing = [...new Set(ids)].filter((id) => !entries.has(key(kind, id)));
    if (missing.length > 0) {
      const { table } = READ_MODELS[kind];
      const { rows } = await tx.query<{ id: string; customer_id: string; state: unknown; version: number }>(
        `SELECT id, customer_id, state, version FROM ${table} WHERE id = ANY($1::text[]) ORDER BY id FOR ${lock === 'update' ? 'UPDATE' : 'SHARE'}`,
        [missing],
      );
      const found = new Map(rows.map((row) => [row.id, row]));
      for (const id of missing) {
        const row = found.get(id);
        const version = row?.version ?? 0;
        entries.set(key(kind, id), {
          kind,
          id,
          customerId: row?.customer_id,
          stored: version,
          version,
          state: row?.state ?? null,
          changed: false,
          firstAt: undefined,
          lastAt: undefined,
        });
      }
    }
    return new Map(
      ids.map((id) => {
        const entry = entries.get(key(kind, id)) as Entry;
        return [id, { state: entry.state as S | null, version: entry.version }] as const;
      }),
    );
  }

  return {
    tx,
    async load<S>(kind: ReadModelKind, id: string, lock?: LockMode) {
      return (await loadMany<S>(kind, [id], lock)).get(id) as Loaded<S>;
    },
    loadMany,
    peek<S>(kind: ReadModelKind, id: string) {
      const entry = entries.get(key(kind, id));
      return entry ? { state: entry.state as S | null, version: entry.version } : undefined;
    },

    async apply(events) {
      for (const [kind, ids] of rowsTouchedBy(events)) await loadMany(kind, [...ids]);
      const next = fold(events, (kind, id) => entries.get(key(kind, id)) as Entry);
      const changed: ChangedRow[] = [];
      for (const [entry, folded] of next) {
        entry.state = folded.state;
        entry.version += 1;
        entry.changed = true;
        entry.firstAt ??= folded.firstAt;
        entry.lastAt = folded.lastAt;
        entry.customerId ??= folded.customerId;
        changed.push({ kind: entry.kind, id: entry.id, state: entry.state, version: entry.version });
      }
      return changed;
    },

    async flush() {
      const byKind = new Map<ReadModelKind, Entry[]>();
      for (const entry of entries.values()) {
        if (!entry.changed || entry.state === null) continue;
        const list = byKind.get(entry.kind);
        if (list) list.push(entry);
        else byKind.set(entry.kind, [entry]);
      }
      const writes: Array<Promise<void>> = [];
      for (const [kind, list] of byKind) {
        const model = READ_MODELS[kind];
        const inserts = list.filter((e) => e.stored === 0);
        const updates = list.filter((e) => e.stored > 0);
        if (inserts.length > 0) writes.push(insertRows(tx, model, inserts));
        if (updates.length > 0) writes.push(updateRows(tx, model, updates));
      }
      // Started together: one round trip on a pipelining driver.
      await allInOrder(writes);
      for (const list of byKind.values()) {
        for (const e of list) {
          e.stored = e.version;
          e.changed = false;
          e.firstAt = undefined;
        }
      }
    },
  };
}

function rowsTouchedBy(events: readonly DomainEvent[]): Map<ReadModelKind, Set<string>> {
  const refs = new Map<ReadModelKind, Set<string>>();
  for (const event of events) {
    for (const ref of readModelRefsOf(event)) {
      let ids = refs.get(ref.type);
      if (!ids) refs.set(ref.type, (ids = new Set()));
      ids.add(ref.id);
    }
  }
  return refs;
}

/** Folded into copies first: an evolve that throws leaves every row as earlier commands left it. */
function fold(events: readonly DomainEvent[], entryOf: (kind: ReadModelKind, id: string) => Entry) {
  const next = new Map<Entry, { state: unknown; firstAt: string; lastAt: string; customerId: string }>();
  for (const event of events) {
    for (const ref of readModelRefsOf(event)) {
      const entry = entryOf(ref.type, ref.id);
      const current = next.get(entry);
      const state = READ_MODELS[ref.type].evolve(current ? current.state : entry.state, event, ref.id);
      const at = event.data.at;
      next.set(entry, { state, firstAt: current?.firstAt ?? at, lastAt: at, customerId: event.data.customerId });
    }
  }
  return next;
}

function rowsOf(model: ReadModelTable, list: readonly Entry[]) {
  return list.map((e) => ({
    id: e.id,
    customer_id: e.customerId,
    status: model.status(e.state),
    ...model.columns(e.state),
    state: e.state,
    version: e.version,
    expected: e.stored,
    created_at: e.firstAt,
    updated_at: e.lastAt,
  }));
}

function columnTypes(model: ReadModelTable, sample: unknown): string[] {
  const extra = Object.keys(model.columns(sample)).map((c) => `${c} ${c.endsWith('_at') ? 'timestamptz' : 'text'}`);
  return [
    'id text',
    'customer_id text',
    'status text',
    ...extra,
    'state jsonb',
    'version int',
    'expected int',
    'created_at timestamptz',
    'updated_at timestamptz',
  ];
}

async function insertRows(tx: Queryable, model: ReadModelTable, list: readonly Entry[]) {
  const types = columnTypes(model, list[0]?.state);
  const names = types.map((t) => t.split(' ')[0]).filter((n) => n !== 'expected');
  try {
    await tx.query(
      `INSERT INTO ${model.table} (${names.join(', ')})
       SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS x(${types.join(', ')})`,
      [JSON.stringify(rowsOf(model, list))],
    );
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw concurrentChange(model.kind, 'created');
    throw error;
  }
}

async function updateRows(tx: Queryable, model: ReadModelTable, list: readonly Entry[]) {
  const types = columnTypes(model, list[0]?.state);
  const names = types
    .map((t) => t.split(' ')[0] as string)
    .filter((n) => !['id', 'expected', 'created_at', 'customer_id'].includes(n));
  try {
    await tx.query(
      `WITH changed AS (
         UPDATE ${model.table} AS t SET ${names.map((n) => `${n} = x.${n}`).join(', ')}
           FROM jsonb_to_recordset($1::jsonb) AS x(${types.join(', ')})
          WHERE t.id = x.id AND t.version = x.expected
         RETURNING 1)
       SELECT bss_expect_rows(count(*), $2, $3) FROM changed`,
      [JSON.stringify(rowsOf(model, list)), list.length, model.table],
    );
  } catch (error) {
    // Checked in SQL, so a COMMIT sent behind this statement cannot commit a miss (migration 043).
    if ((error as { code?: string }).code === 'BS409') throw concurrentChange(model.kind, 'changed');
    throw error;
  }
}

function concurrentChange(kind: string, what: string): BssError {
  return new BssError('CONCURRENT_MODIFICATION', `the ${kind} was ${what} by a concurrent request; retry`, {
    status: 409,
    retryable: true,
  });
}
