// A group commit locks its commands' claims, refuses a command whose claim a retry took over, and records results
// in the same transaction: a retry after a crash gets the recorded results, not a second run. A tentative claim
// (a route whose every effect is a command) is inserted by its first command's group instead of a statement of
// its own; a key already there refuses the command with ClaimUnavailable and the request claims the usual way.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Queryable } from '../../store/db.ts';
import { BssError } from '../../errors.ts';

/** What a group needs to insert a claim the request has not stored yet. */
export interface TentativeTerms {
  readonly fingerprint: string;
  readonly leaseMs: number;
  readonly retentionMs: number;
  readonly holder: string | null;
}

export interface ScopedClaim {
  readonly caller: string;
  readonly key: string;
  readonly owner: string;
  readonly tentative?: TentativeTerms;
}

interface ClaimScope extends ScopedClaim {
  next: number;
  ids: number;
}

export interface Fence extends ScopedClaim {
  readonly step: number;
}

const scope = new AsyncLocalStorage<ClaimScope>();

export function withClaim<T>(claim: ScopedClaim, next: () => T): T {
  return scope.run({ ...claim, next: 0, ids: 0 }, next);
}

/** Names the n-th id a keyed request makes, the same in a retry; undefined without a key. */
export function nextIdSeed(): string | undefined {
  const claim = scope.getStore();
  if (!claim) return undefined;
  return `${claim.caller}\u0000${claim.key}\u0000${claim.ids++}`;
}

export function nextFence(): Fence | undefined {
  const claim = scope.getStore();
  if (!claim) return undefined;
  const { caller, key, owner, tentative } = claim;
  return { caller, key, owner, step: claim.next++, ...(tentative ? { tentative } : {}) };
}

export type Entered =
  | { readonly kind: 'run' }
  | { readonly kind: 'done'; readonly result: unknown }
  | { readonly kind: 'refused'; readonly error: BssError };

export interface Fences {
  enter(fence: Fence): Entered;
  done(fence: Fence, result: unknown): void;
  record(): Promise<void>;
}

const RUN: Entered = { kind: 'run' };

// Tentative claims first, then the rest locked in key order (every group and renewal agrees on it). A key the
// insert met is locked by the second part if this statement's snapshot sees it; if not, the command is refused
// and its request claims the usual way, which does.
const LOCK = `
  WITH ins AS (
    INSERT INTO idempotency_keys (caller, key, fingerprint, owner, holder, locked_until, expires_at)
    SELECT c, k, f, o, h, now() + l * interval '1 millisecond', now() + r * interval '1 millisecond'
      FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::float8[])
           AS t(c, k, f, o, h, l, r)
     ORDER BY c, k
    ON CONFLICT (caller, key) DO NOTHING
    RETURNING caller, key, owner, effects),
  locked AS (
    SELECT caller, key, owner, effects FROM idempotency_keys
     WHERE (caller, key) IN (SELECT * FROM unnest($1::text[], $2::text[]))
     ORDER BY caller, key FOR UPDATE)
  SELECT * FROM ins UNION ALL SELECT * FROM locked`;

interface ClaimRow {
  caller: string;
  key: string;
  owner: string | null;
  effects: unknown[];
}

/** One statement for the whole group. */
export async function lockFences(tx: Queryable, fences: readonly Fence[]): Promise<Fences> {
  const claims = new Map<string, ClaimRow>();
  if (fences.length > 0) {
    const tentative = [...new Map(fences.filter((f) => f.tentative).map((f) => [idOf(f), f])).values()];
    const terms = (pick: (t: TentativeTerms) => unknown) => tentative.map((f) => pick(f.tentative as TentativeTerms));
    const { rows } = await tx.query<ClaimRow>(LOCK, [
      fences.map((f) => f.caller),
      fences.map((f) => f.key),
      tentative.map((f) => f.caller),
      tentative.map((f) => f.key),
      terms((t) => t.fingerprint),
      tentative.map((f) => f.owner),
      terms((t) => t.holder),
      terms((t) => t.leaseMs),
      terms((t) => t.retentionMs),
    ]);
    for (const row of rows) claims.set(idOf(row), row);
  }
  const results: Array<{ fence: Fence; result: unknown }> = [];
  return {
    enter(fence) {
      const claim = claims.get(idOf(fence));
      if (claim?.owner !== fence.owner)
        return { kind: 'refused', error: fence.tentative ? unavailable() : takenOver() };
      return claim.effects.length > fence.step ? { kind: 'done', result: claim.effects[fence.step] } : RUN;
    },
    done(fence, result) {
      results.push({ fence, result });
    },
    record: () => recordResults(tx, results),
  };
}

async function recordResults(tx: Queryable, results: ReadonlyArray<{ fence: Fence; result: unknown }>) {
  if (results.length === 0) return;
  await tx.query(
    `UPDATE idempotency_keys AS k SET effects = k.effects || r.added
       FROM (SELECT caller, key, jsonb_agg(result::jsonb ORDER BY step) AS added
               FROM unnest($1::text[], $2::text[], $3::int[], $4::text[]) AS t(caller, key, step, result)
              GROUP BY caller, key) AS r
      WHERE k.caller = r.caller AND k.key = r.key`,
    [
      results.map((r) => r.fence.caller),
      results.map((r) => r.fence.key),
      results.map((r) => r.fence.step),
      results.map((r) => JSON.stringify(r.result ?? null)),
    ],
  );
}

const idOf = (c: { readonly caller: string; readonly key: string }) => `${c.caller}\u0000${c.key}`;

function takenOver(): BssError {
  return new BssError('IDEMPOTENCY_KEY_IN_PROGRESS', 'a retry with this Idempotency-Key took the request over', {
    status: 409,
    retryable: true,
  });
}

/** The key is stored already (answered, running elsewhere, or left by a dead request): not a final answer. */
export class ClaimUnavailable extends BssError {
  constructor() {
    super('IDEMPOTENCY_KEY_IN_PROGRESS', 'the Idempotency-Key is stored already; the request claims it first', {
      status: 409,
      retryable: true,
    });
    this.name = 'ClaimUnavailable';
  }
}

const unavailable = () => new ClaimUnavailable();
