import { affectsBalance, aggregatesOf, type DomainEvent } from '../../domain/index.ts';
import type { Queryable } from '../../store/db.ts';

/** Passed in: replay sits below application. */
export interface RebuildModel {
  readonly kind: string;
  readonly table: string;
  evolve(state: unknown, event: DomainEvent, id: string): unknown;
  columns(state: unknown): Record<string, string>;
  status(state: unknown): string;
}

export type ReadModels = Readonly<Record<string, RebuildModel>>;

export interface Row {
  kind: string;
  id: string;
  customerId: string;
  state: unknown;
  version: number;
  firstAt: string;
  lastAt: string;
}

export const shadowOf = (table: string): string => `${table}_shadow`;

/** LIKE copies columns and NOT NULLs, not indexes or identity. */
export async function createShadowTables(db: { exec(sql: string): Promise<void> }, models: ReadModels): Promise<void> {
  for (const m of Object.values(models)) {
    if (!/^[a-z_][a-z0-9_]*$/.test(m.table)) throw new RangeError(`unexpected table name ${m.table}`);
    await db.exec(`DROP TABLE IF EXISTS ${shadowOf(m.table)}; CREATE TABLE ${shadowOf(m.table)} (LIKE ${m.table})`);
  }
}

// The same rows the live unit of work changes.
const refsOf = (event: DomainEvent) => [
  ...aggregatesOf(event),
  ...(affectsBalance(event) ? [{ type: 'balance', id: event.data.customerId }] : []),
];

export function applyEvents(models: ReadModels, rows: Map<string, Row>, events: readonly DomainEvent[]): void {
  for (const event of events) {
    for (const ref of refsOf(event)) {
      const model = models[ref.type];
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
}

export async function loadShadowRows(
  shadow: Queryable,
  models: ReadModels,
  rows: Map<string, Row>,
  events: readonly DomainEvent[],
): Promise<void> {
  const wanted = new Map<string, Set<string>>();
  for (const event of events) {
    for (const ref of refsOf(event)) {
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

export async function deleteShadowRows(shadow: Queryable, models: ReadModels, rows: Iterable<Row>): Promise<void> {
  const list = [...rows];
  for (const m of Object.values(models)) {
    const ids = list.filter((r) => r.kind === m.kind).map((r) => r.id);
    if (ids.length > 0) await shadow.query(`DELETE FROM ${shadowOf(m.table)} WHERE id = ANY($1::text[])`, [ids]);
  }
}

export async function maxShadowSeq(db: Queryable, models: ReadModels): Promise<number> {
  let max = 0;
  for (const m of Object.values(models)) {
    const { rows } = await db.query<{ m: number | string | null }>(`SELECT max(seq) AS m FROM ${shadowOf(m.table)}`);
    max = Math.max(max, Number(rows[0]?.m ?? 0));
  }
  return max;
}

export async function writeShadow(db: Queryable, models: ReadModels, rows: Iterable<Row>, seq: number) {
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

export async function swapTable(tx: Queryable, table: string): Promise<void> {
  const shadow = shadowOf(table);
  const { rows } = await tx.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_name = $1 AND table_schema = current_schema() AND column_name <> 'seq' ORDER BY ordinal_position`,
    [table],
  );
  const columns = rows.map((r) => r.column_name).join(', ');
  await tx.query(`UPDATE ${shadow} s SET version = s.version + l.version FROM ${table} l WHERE l.id = s.id`);
  await tx.query(`TRUNCATE ${table}`);
  // The live identity numbers the rows again in shadow order: list cursors stay monotonic.
  await tx.query(`INSERT INTO ${table} (${columns}) SELECT ${columns} FROM ${shadow} ORDER BY seq`);
  await tx.query(`DROP TABLE ${shadow}`);
}
