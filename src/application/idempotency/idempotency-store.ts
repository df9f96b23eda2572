// Claims live in the database so any instance recognises a retry. A claim whose holder's liveness lock is free
// is taken over at once, an unrenewed one after LEASE_MS; the retry's commands find the dead request's results.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../store/db.ts';
import { instanceGoneSql } from '../../store/instance-liveness.ts';
import { createBatcher, type BatcherLoad, type Outcome } from '../batcher.ts';
import type { ScopedClaim } from './fence.ts';

export const RETENTION_MS = 24 * 60 * 60 * 1000;
export const LEASE_MS = 3000;
/** Three renewals fit in a lease. */
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
  /** fingerprint: a hash of method, path and body. */
  claim(caller: string, key: string, fingerprint: string): Promise<Claim>;
  /** A claim the request's first command inserts (fence.ts); nothing is stored yet. */
  tentative(caller: string, key: string, fingerprint: string): ScopedClaim;
  /** With `fingerprint` (a tentative claim): stores the answer even if no command stored the claim. */
  complete(caller: string, key: string, owner: string, response: StoredResponse, fingerprint?: string): Promise<void>;
  release(caller: string, key: string, owner: string): Promise<void>;
  /** A claim a commit holds locked now is skipped until the next round. */
  renew(owners: readonly string[]): Promise<number>;
  purgeExpired(): Promise<number>;
  claimLoad(): BatcherLoad;
}

export interface IdempotencyStoreOptions {
  readonly retentionMs?: number;
  readonly leaseMs?: number;
  /** Without it a dead process's claim waits for its lease. */
  readonly holder?: string;
}

interface Row {
  fingerprint: string;
  status: number | null;
  headers: Record<string, string> | null;
  body: string | null;
}

// Rows are locked in key order, as in every statement that locks several claims (fence.ts): batch order deadlocked.
const UPSERT = `
  INSERT INTO idempotency_keys (caller, key, fingerprint, owner, holder, locked_until, expires_at)
  SELECT c, k, f, o, $7::text, now() + $5::float8 * interval '1 millisecond',
         now() + $6::float8 * interval '1 millisecond'
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(c, k, f, o)
   ORDER BY c, k
  ON CONFLICT (caller, key) DO UPDATE
    SET fingerprint = EXCLUDED.fingerprint, owner = EXCLUDED.owner, holder = EXCLUDED.holder,
        locked_until = EXCLUDED.locked_until, expires_at = EXCLUDED.expires_at, status = NULL, headers = NULL,
        body = NULL, created_at = now(),
        effects = CASE WHEN idempotency_keys.expires_at <= now() THEN '[]'::jsonb ELSE idempotency_keys.effects END
    WHERE idempotency_keys.expires_at <= now()
       OR (idempotency_keys.status IS NULL AND idempotency_keys.fingerprint = EXCLUDED.fingerprint
           AND (idempotency_keys.locked_until <= now()
                OR (idempotency_keys.holder IS NOT NULL AND ${instanceGoneSql('idempotency_keys.holder')})))
  RETURNING caller, key`;
const EXISTING = `
  SELECT caller, key, fingerprint, status, headers, body FROM idempotency_keys
   WHERE (caller, key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`;

export function createIdempotencyStore(db: Queryable, options: IdempotencyStoreOptions = {}): IdempotencyStore {
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const settings: ClaimSettings = {
    leaseMs,
    retentionMs: options.retentionMs ?? RETENTION_MS,
    holder: options.holder ?? null,
  };
  const claims = createBatcher<ClaimRequest, Claim>({ process: claimer(db, settings), maxItems: 256, concurrency: 2 });
  const completions = createBatcher<Completion, void>({
    process: (done) => completeMany(db, done, settings.retentionMs),
    maxItems: 256,
    concurrency: 2,
  });

  return {
    claim: (caller, key, fingerprint) => claims.submit({ caller, key, fingerprint }),
    tentative: (caller, key, fingerprint) => ({
      caller,
      key,
      owner: randomUUID(),
      tentative: { fingerprint, leaseMs, retentionMs: settings.retentionMs, holder: settings.holder },
    }),
    complete: (caller, key, owner, response, fingerprint) =>
      completions.submit({ caller, key, owner, response, fingerprint: fingerprint ?? null }),
    claimLoad: () => claims.load(),
    release: (caller, key, owner) => release(db, [caller, key, owner]),
    renew: (owners) => renew(db, owners, leaseMs),
    async purgeExpired() {
      const { rowCount } = await db.query('DELETE FROM idempotency_keys WHERE expires_at <= now()');
      return rowCount;
    },
  };
}

interface ClaimSettings {
  readonly leaseMs: number;
  readonly retentionMs: number;
  readonly holder: string | null;
}

function claimer(db: Queryable, settings: ClaimSettings) {
  const { leaseMs, retentionMs, holder } = settings;

  async function claimOne(request: ClaimRequest): Promise<Claim> {
    // Two rounds: the record seen may expire and be purged before it is read.
    for (let round = 0; round < 2; round++) {
      const owner = randomUUID();
      const { caller, key, fingerprint } = request;
      const inserted = await db.query(UPSERT, [[caller], [key], [fingerprint], [owner], leaseMs, retentionMs, holder]);
      if (inserted.rowCount > 0) return { kind: 'claimed', owner };
      const { rows } = await db.query<Row>(EXISTING, [[caller], [key]]);
      if (rows[0]) return verdict(rows[0], fingerprint);
    }
    return { kind: 'in-progress' };
  }

  return async function claimMany(requests: readonly ClaimRequest[]): Promise<Array<Outcome<Claim>>> {
    const out = new Array<Outcome<Claim>>(requests.length);
    const firsts = new Map<string, number>();
    const repeated: number[] = [];
    requests.forEach((r, i) => (firsts.has(idOf(r)) ? repeated.push(i) : firsts.set(idOf(r), i)));
    const batch = [...firsts.values()].map((i) => ({ ...(requests[i] as ClaimRequest), i, owner: randomUUID() }));
    const inserted = await db.query<{ caller: string; key: string }>(UPSERT, [
      batch.map((b) => b.caller),
      batch.map((b) => b.key),
      batch.map((b) => b.fingerprint),
      batch.map((b) => b.owner),
      leaseMs,
      retentionMs,
      holder,
    ]);
    const claimed = new Set(inserted.rows.map(idOf));
    const held = batch.filter((b) => !claimed.has(idOf(b)));
    for (const b of batch)
      if (claimed.has(idOf(b))) out[b.i] = { ok: true, value: { kind: 'claimed', owner: b.owner } };
    if (held.length > 0) {
      const { rows } = await db.query<Row & { caller: string; key: string }>(EXISTING, [
        held.map((b) => b.caller),
        held.map((b) => b.key),
      ]);
      const byId = new Map(rows.map((row) => [idOf(row), row]));
      for (const b of held) {
        const row = byId.get(idOf(b));
        out[b.i] = { ok: true, value: row ? verdict(row, b.fingerprint) : await claimOne(b) };
      }
    }
    // The same key twice in one batch: the later ones see the first one's claim.
    for (const i of repeated) out[i] = { ok: true, value: await claimOne(requests[i] as ClaimRequest) };
    return out;
  };
}

// A tentative claim no command stored (the request answered before its first command) is inserted answered.
const COMPLETE = `
  WITH v AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[])
               AS v(caller, key, owner, status, headers, body, fingerprint)),
  locked AS (
    SELECT k.caller, k.key FROM idempotency_keys AS k JOIN v ON k.caller = v.caller AND k.key = v.key
     ORDER BY k.caller, k.key FOR UPDATE OF k),
  updated AS (
    UPDATE idempotency_keys AS k SET status = v.status, headers = v.headers::jsonb, body = v.body,
           owner = NULL, locked_until = NULL
      FROM v JOIN locked ON locked.caller = v.caller AND locked.key = v.key
     WHERE k.caller = v.caller AND k.key = v.key AND k.owner = v.owner)
  INSERT INTO idempotency_keys (caller, key, fingerprint, status, headers, body, expires_at)
  SELECT caller, key, fingerprint, status, headers::jsonb, body, now() + $8::float8 * interval '1 millisecond'
    FROM v WHERE fingerprint IS NOT NULL ORDER BY caller, key
  ON CONFLICT (caller, key) DO NOTHING`;

async function completeMany(
  db: Queryable,
  done: readonly Completion[],
  retentionMs: number,
): Promise<Array<Outcome<void>>> {
  await db.query(COMPLETE, [
    done.map((d) => d.caller),
    done.map((d) => d.key),
    done.map((d) => d.owner),
    done.map((d) => d.response.status),
    done.map((d) => JSON.stringify(d.response.headers)),
    done.map((d) => d.response.body),
    done.map((d) => d.fingerprint),
    retentionMs,
  ]);
  return done.map(() => ({ ok: true, value: undefined }));
}

/** Freed, not forgotten: the retry keeps the results of commands it committed (fence.ts). */
async function release(db: Queryable, params: [caller: string, key: string, owner: string]): Promise<void> {
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
}

/** Skips rows a group commit holds rather than wait in another lock order (deadlocks). */
async function renew(db: Queryable, owners: readonly string[], leaseMs: number): Promise<number> {
  if (owners.length === 0) return 0;
  const { rowCount } = await db.query(
    `WITH mine AS (
       SELECT caller, key FROM idempotency_keys WHERE owner = ANY($1::text[]) AND status IS NULL
          FOR UPDATE SKIP LOCKED)
     UPDATE idempotency_keys AS k SET locked_until = now() + $2::float8 * interval '1 millisecond'
       FROM mine WHERE k.caller = mine.caller AND k.key = mine.key`,
    [owners, leaseMs],
  );
  return rowCount;
}

interface ClaimRequest {
  readonly caller: string;
  readonly key: string;
  readonly fingerprint: string;
}

interface Completion {
  readonly caller: string;
  readonly key: string;
  readonly owner: string;
  readonly response: StoredResponse;
  readonly fingerprint: string | null;
}

const idOf = (r: { readonly caller: string; readonly key: string }) => `${r.caller}\u0000${r.key}`;

function verdict(row: Row, fingerprint: string): Claim {
  if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
  if (row.status === null) return { kind: 'in-progress' };
  return { kind: 'replay', response: { status: row.status, headers: row.headers ?? {}, body: row.body ?? '' } };
}
