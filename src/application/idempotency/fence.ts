// A group commit locks its commands' claims, refuses a command whose claim a retry took over, and records results
// in the same transaction: a retry after a crash gets the recorded results, not a second run.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Queryable } from '../../store/db.ts';
import { BssError } from '../../errors.ts';

interface ClaimScope {
  readonly caller: string;
  readonly key: string;
  readonly owner: string;
  next: number;
  ids: number;
}

export interface Fence {
  readonly caller: string;
  readonly key: string;
  readonly owner: string;
  readonly step: number;
}

const scope = new AsyncLocalStorage<ClaimScope>();

export function withClaim(claim: { caller: string; key: string; owner: string }, next: () => void): void {
  scope.run({ ...claim, next: 0, ids: 0 }, next);
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
  return { caller: claim.caller, key: claim.key, owner: claim.owner, step: claim.next++ };
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

/** One statement, key order: every group and renewal agree on it, so none deadlocks. */
export async function lockFences(tx: Queryable, fences: readonly Fence[]): Promise<Fences> {
  const claims = new Map<string, { owner: string | null; effects: unknown[] }>();
  if (fences.length > 0) {
    const { rows } = await tx.query<{ caller: string; key: string; owner: string | null; effects: unknown[] }>(
      `SELECT caller, key, owner, effects FROM idempotency_keys
        WHERE (caller, key) IN (SELECT * FROM unnest($1::text[], $2::text[]))
        ORDER BY caller, key FOR UPDATE`,
      [fences.map((f) => f.caller), fences.map((f) => f.key)],
    );
    for (const row of rows) claims.set(idOf(row), row);
  }
  const results: Array<{ fence: Fence; result: unknown }> = [];
  return {
    enter(fence) {
      const claim = claims.get(idOf(fence));
      if (claim?.owner !== fence.owner) return { kind: 'refused', error: takenOver() };
      return claim.effects.length > fence.step ? { kind: 'done', result: claim.effects[fence.step] } : RUN;
    },
    done(fence, result) {
      results.push({ fence, result });
    },
    async record() {
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
    },
  };
}

const idOf = (c: { readonly caller: string; readonly key: string }) => `${c.caller}\u0000${c.key}`;

function takenOver(): BssError {
  return new BssError('IDEMPOTENCY_KEY_IN_PROGRESS', 'a retry with this Idempotency-Key took the request over', {
    status: 409,
    retryable: true,
  });
}
