// Idempotency keys in the database, so retries are recognised by whichever instance they reach.
// A request claims (caller, key) before it runs; the claim ends with its stored response (replayed
// to later retries) or is released when the outcome may change on retry (5xx, retryable errors).
//
// The claim carries a short lease that its instance renews while the request runs (renew, every
// RENEW_EVERY_MS): a claim whose process died, or whose release failed with the database, is taken
// over by a retry of the same request within LEASE_MS, not minutes. A retry that takes over runs the
// handler again, but its commands find the results the dead request committed (fence.ts) and are
// not applied twice.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../store/db.ts';

export const RETENTION_MS = 24 * 60 * 60 * 1000;
export const LEASE_MS = 3000;
/** How often a running request's lease is renewed: three renewals fit in a lease. */
export const RENEW_EVERY_MS = 1000;

export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type Claim =
  | { readonly kind: 'claimed'; readonly owner: string }
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  | { readonly kind: 'in-progress' }
  | { readonly kind: 'mismatch' };

export interface IdempotencyStore {
  /** fingerprint: a hash of what the request asks (method, path, body). */
  claim(caller: string, key: string, fingerprint: string): Promise<Claim>;
  complete(caller: string, key: string, owner: string, response: StoredResponse): Promise<void>;
  release(caller: string, key: string, owner: string): Promise<void>;
  /** Extends the leases of these running claims; returns how many were still theirs. */
  renew(owners: readonly string[]): Promise<number>;
  /** Deletes expired records; returns how many. */
  purgeExpired(): Promise<number>;
}

export interface IdempotencyStoreOptions {
  readonly retentionMs?: number;
  readonly leaseMs?: number;
}

interface Row {
  fingerprint: string;
  status: number | null;
  headers: Record<string, string> | null;
  body: string | null;
}

export function createIdempotencyStore(db: Queryable, options: IdempotencyStoreOptions = {}): IdempotencyStore {
  const retentionMs = options.retentionMs ?? RETENTION_MS;
  const leaseMs = options.leaseMs ?? LEASE_MS;

  // A new key inserts; an expired record, or an abandoned claim of the same request, is taken over.
  const upsert = `
    INSERT INTO idempotency_keys (caller, key, fingerprint, owner, locked_until, expires_at)
    VALUES ($1, $2, $3, $4, now() + $5::float8 * interval '1 millisecond', now() + $6::float8 * interval '1 millisecond')
    ON CONFLICT (caller, key) DO UPDATE
      SET fingerprint = EXCLUDED.fingerprint, owner = EXCLUDED.owner, locked_until = EXCLUDED.locked_until,
          expires_at = EXCLUDED.expires_at, status = NULL, headers = NULL, body = NULL, created_at = now(),
          effects = CASE WHEN idempotency_keys.expires_at <= now() THEN '[]'::jsonb ELSE idempotency_keys.effects END
      WHERE idempotency_keys.expires_at <= now()
         OR (idempotency_keys.status IS NULL AND idempotency_keys.locked_until <= now()
             AND idempotency_keys.fingerprint = EXCLUDED.fingerprint)
    RETURNING owner`;

  return {
    async claim(caller, key, fingerprint) {
      // Two rounds: the record seen by the SELECT may expire and be purged in between.
      for (let round = 0; round < 2; round++) {
        const owner = randomUUID();
        const inserted = await db.query(upsert, [caller, key, fingerprint, owner, leaseMs, retentionMs]);
        if (inserted.rowCount > 0) return { kind: 'claimed', owner };
        const { rows } = await db.query<Row>(
          'SELECT fingerprint, status, headers, body FROM idempotency_keys WHERE caller = $1 AND key = $2',
          [caller, key],
        );
        const row = rows[0];
        if (!row) continue;
        if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
        if (row.status === null) return { kind: 'in-progress' };
        return { kind: 'replay', response: { status: row.status, headers: row.headers ?? {}, body: row.body ?? '' } };
      }
      return { kind: 'in-progress' };
    },

    async complete(caller, key, owner, response) {
      await db.query(
        `UPDATE idempotency_keys SET status = $4, headers = $5, body = $6, owner = NULL, locked_until = NULL
         WHERE caller = $1 AND key = $2 AND owner = $3`,
        [caller, key, owner, response.status, JSON.stringify(response.headers), response.body],
      );
    },

    async release(caller, key, owner) {
      // A request that committed some commands before failing keeps their results for the retry
      // (src/application/idempotency/fence.ts): its claim is only freed, not forgotten.
      const params = [caller, key, owner];
      const deleted = await db.query(
        `DELETE FROM idempotency_keys WHERE caller = $1 AND key = $2 AND owner = $3 AND status IS NULL
         AND effects = '[]'::jsonb`,
        params,
      );
      if (deleted.rowCount > 0) return;
      await db.query(
        `UPDATE idempotency_keys SET owner = NULL, locked_until = now()
         WHERE caller = $1 AND key = $2 AND owner = $3 AND status IS NULL`,
        params,
      );
    },

    async renew(owners) {
      if (owners.length === 0) return 0;
      const { rowCount } = await db.query(
        `UPDATE idempotency_keys SET locked_until = now() + $2::float8 * interval '1 millisecond'
         WHERE owner = ANY($1::text[]) AND status IS NULL`,
        [owners, leaseMs],
      );
      return rowCount;
    },

    async purgeExpired() {
      const { rowCount } = await db.query('DELETE FROM idempotency_keys WHERE expires_at <= now()');
      return rowCount;
    },
  };
}
