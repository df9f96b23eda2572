// Ties a request's Idempotency-Key claim to the transactions of the commands it runs. A group commit
// locks the claim rows of its commands in its transaction, checks each claim is still its request's (a
// retry may have taken it over: only that command is refused), and records their results there. A retry that takes over
// the claim of a request that committed and then died gets the recorded results, not a second run:
// the commit and the record of it cannot be separated by a crash.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Queryable } from '../../store/db.ts';
import { BssError } from '../../errors.ts';

/** The claim of the request running in this async context; `next` counts its commands. */
interface ClaimScope {
  readonly caller: string;
  readonly key: string;
  readonly owner: string;
  next: number;
}

/** One command of a claimed request: its place among the request's commands. */
export interface Fence {
  readonly caller: string;
  readonly key: string;
  readonly owner: string;
  readonly step: number;
}

const scope = new AsyncLocalStorage<ClaimScope>();

/** Runs `next` (the rest of the request) with the claim in scope. */
export function withClaim(claim: { caller: string; key: string; owner: string }, next: () => void): void {
  scope.run({ ...claim, next: 0 }, next);
}

/** The fence for the command being submitted now, if a claimed request submits it. */
export function nextFence(): Fence | undefined {
  const claim = scope.getStore();
  if (!claim) return undefined;
  return { caller: claim.caller, key: claim.key, owner: claim.owner, step: claim.next++ };
}

/** What a fenced command does in its group: run, answer its prior result, or be refused alone. */
export type Entered =
  | { readonly kind: 'run' }
  | { readonly kind: 'done'; readonly result: unknown }
  | { readonly kind: 'refused'; readonly error: BssError };

/** The claims of a group's commands, locked for its transaction; their new results recorded at once. */
export interface Fences {
  enter(fence: Fence): Entered;
  /** Remembers a command's result; record() writes them all. */
  done(fence: Fence, result: unknown): void;
  record(): Promise<void>;
}

const RUN: Entered = { kind: 'run' };

/**
 * Inside the group's transaction, before any work: locks every claim of the group in one statement, in
 * key order (every group and renewal agree on it, so none deadlocks), and reads their owners and results.
 */
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
