// Each entry is a CloudEvent on the audit topic and an audit_log row, in one transaction: they never disagree.
import { randomUUID } from 'node:crypto';
import { Compile } from 'typebox/compile';
import { AdminActionAudit, type AdminActionData } from '../../events/catalog.ts';
import { SPEC_VERSION, cloudEventType, type BssCloudEvent } from '../../events/envelope.ts';
import type { EventSink } from '../../log/event-sink.ts';
import type { Db, Queryable } from '../../store/db.ts';
import { BssError } from '../../errors.ts';
import { auditRecord } from './key-audit.ts';

export const ADMIN_ACTION_TYPE = 'admin.action';
const validator = Compile(AdminActionAudit);

export interface AuditEntry extends AdminActionData {
  readonly eventId: string;
}

export interface AuditFilter {
  readonly action?: string;
  readonly actor?: string;
  readonly from?: string;
  readonly to?: string;
  readonly cursor?: string;
  readonly limit?: number;
}

export interface AuditTrail {
  record(data: Omit<AdminActionData, 'at'> & { at?: string }): Promise<void>;
  query(filter: AuditFilter): Promise<{ items: AuditEntry[]; nextCursor: string | null }>;
}

export async function insertAuditRow(tx: Queryable, eventId: string, data: AdminActionData): Promise<void> {
  await tx.query(
    `INSERT INTO audit_log (event_id, at, actor, role, action, target, parameters, outcome, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      eventId,
      data.at,
      data.actor,
      data.role,
      data.action,
      data.target,
      JSON.stringify(data.parameters),
      data.outcome,
      data.status,
    ],
  );
}

export function adminActionEvent(data: AdminActionData, source: string): BssCloudEvent<AdminActionData> {
  if (!validator.Check(data)) throw new Error('admin action audit event does not match its schema');
  return {
    specversion: SPEC_VERSION,
    id: randomUUID(),
    source,
    type: cloudEventType(ADMIN_ACTION_TYPE),
    subject: data.target ?? data.action,
    time: data.at,
    datacontenttype: 'application/json',
    partitionkey: data.actor,
    data,
  };
}

const encodeCursor = (seq: string) => Buffer.from(`audit:${seq}`).toString('base64url');

function decodeCursor(cursor: string): string {
  const match = /^audit:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) {
    throw new BssError('INVALID_CURSOR', 'cursor is not one this API returned', {
      status: 400,
      errors: [{ field: '/querystring/cursor', message: 'invalid cursor' }],
    });
  }
  return match[1];
}

interface AuditRow {
  seq: string;
  event_id: string;
  at: Date | string;
  actor: string;
  role: AdminActionData['role'];
  action: string;
  target: string | null;
  parameters: Record<string, unknown> | string;
  outcome: AdminActionData['outcome'];
  status: number | null;
}

const toEntry = (r: AuditRow): AuditEntry => ({
  eventId: r.event_id,
  at: new Date(r.at).toISOString(),
  actor: r.actor,
  role: r.role,
  action: r.action,
  target: r.target,
  parameters: typeof r.parameters === 'string' ? JSON.parse(r.parameters) : r.parameters,
  outcome: r.outcome,
  status: r.status,
});

export function createAuditTrail(deps: { db: Db; sink: EventSink; auditTopic: string; source?: string }): AuditTrail {
  const { db, sink, auditTopic } = deps;
  const source = deps.source ?? '/bss/api';
  return {
    async record(entry) {
      const data: AdminActionData = { ...entry, at: entry.at ?? new Date().toISOString() };
      const event = adminActionEvent(data, source);
      await db.transaction(async (tx) => {
        await sink.appendWithin(tx, auditTopic, [auditRecord(event)]);
        await insertAuditRow(tx, event.id, data);
      });
    },

    async query(filter) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.action !== undefined) where.push(`action = $${params.push(filter.action)}`);
      if (filter.actor !== undefined) where.push(`actor = $${params.push(filter.actor)}`);
      if (filter.from !== undefined) where.push(`at >= $${params.push(filter.from)}`);
      if (filter.to !== undefined) where.push(`at < $${params.push(filter.to)}`);
      if (filter.cursor !== undefined) where.push(`seq > $${params.push(decodeCursor(filter.cursor))}`);
      const limit = filter.limit ?? 50;
      const { rows } = await db.query<AuditRow>(
        `SELECT seq::text AS seq, event_id::text AS event_id, at, actor, role, action, target, parameters, outcome, status
         FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY audit_log.seq LIMIT ${limit + 1}`,
        params,
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { items: page.map(toEntry), nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null };
    },
  };
}
