// Each key change commits together with its audit event.
import type { Db } from '../../store/db.ts';
import type { EventSink } from '../../log/event-sink.ts';
import { createApiKey, revokeApiKey, type IssuedKey, type Role } from './api-keys.ts';
import { auditEvent, auditRecord } from '../audit/key-audit.ts';
import { insertAuditRow } from '../audit/audit-trail.ts';

export interface KeyInfo {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

export interface ApiKeyAdmin {
  /** `actor` names who asks (a principal id, or cli:user@host). The plaintext is in the result only. */
  create(role: Role, name: string, actor: string): Promise<IssuedKey & { createdAt: string }>;
  list(options?: { includeRevoked?: boolean }): Promise<KeyInfo[]>;
  revoke(keyId: string, actor: string): Promise<KeyInfo | undefined>;
}

export interface ApiKeyAdminDeps {
  readonly db: Db;
  readonly sink: EventSink;
  readonly auditTopic: string;
  readonly source?: string;
}

interface KeyRow {
  key_id: string;
  name: string;
  role: Role;
  created_at: Date | string;
  last_used_at: Date | string | null;
  revoked_at: Date | string | null;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
const toInfo = (r: KeyRow): KeyInfo => ({
  keyId: r.key_id,
  name: r.name,
  role: r.role,
  createdAt: iso(r.created_at) as string,
  lastUsedAt: iso(r.last_used_at),
  revokedAt: iso(r.revoked_at),
});
const COLUMNS = 'key_id, name, role, created_at, last_used_at, revoked_at';

/** The audit_log row of a key change (the event itself is com.droid.bss.apikey.*). */
const keyAuditRow = (action: string, info: KeyInfo, actor: string, at: string) => ({
  actor,
  role: null,
  action,
  target: info.keyId,
  parameters: { name: info.name, role: info.role },
  outcome: 'SUCCEEDED' as const,
  status: null,
  at,
});

export function createApiKeyAdmin(deps: ApiKeyAdminDeps): ApiKeyAdmin {
  const { db, sink, auditTopic } = deps;
  const source = deps.source ?? '/bss/api';
  return {
    async create(role, name, actor) {
      return db.transaction(async (tx) => {
        const key = await createApiKey(tx, role, name);
        const { rows } = await tx.query<KeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE key_id = $1`, [key.keyId]);
        const info = toInfo(rows[0] as KeyRow);
        const event = auditEvent('apikey.created', { keyId: key.keyId, name, role, actor, at: info.createdAt }, source);
        await sink.appendWithin(tx, auditTopic, [auditRecord(event)]);
        await insertAuditRow(tx, event.id, keyAuditRow('apikey.create', info, actor, info.createdAt));
        return { ...key, createdAt: info.createdAt };
      });
    },

    async list(options = {}) {
      const { rows } = await db.query<KeyRow>(
        `SELECT ${COLUMNS} FROM api_keys ${options.includeRevoked ? '' : 'WHERE revoked_at IS NULL'} ORDER BY created_at, key_id`,
      );
      return rows.map(toInfo);
    },

    async revoke(keyId, actor) {
      return db.transaction(async (tx) => {
        if (!(await revokeApiKey(tx, keyId))) return undefined;
        const { rows } = await tx.query<KeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE key_id = $1`, [keyId]);
        const info = toInfo(rows[0] as KeyRow);
        const at = info.revokedAt as string;
        const event = auditEvent('apikey.revoked', { keyId, name: info.name, role: info.role, actor, at }, source);
        await sink.appendWithin(tx, auditTopic, [auditRecord(event)]);
        await insertAuditRow(tx, event.id, keyAuditRow('apikey.revoke', info, actor, at));
        return info;
      });
    },
  };
}
