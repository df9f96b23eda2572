// Ties a request's Idempotency-Key claim to the transactions of the commands it runs. Each command of
// a claimed request locks the claim's row in its own transaction, checks the claim is still this
// request's (a retry may have taken it over), and records its result there. A retry that takes over
// the claim of a request that committed and then died gets the recorded results, not a second run:
// the commit and the record of it cannot be separated by a crash.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Queryable } from '../../store/db.ts';
import { AppError } from '../../errors.ts';

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

export type Entered = { readonly done: false } | { readonly done: true; readonly result: unknown };

/** Inside the command's transaction, before its work: locks the claim, checks it, finds a prior result. */
export async function enterFence(tx: Queryable, fence: Fence): Promise<Entered> {
  const { rows } = await tx.query<{ owner: string | null; effects: unknown[] }>(
    'SELECT owner, effects FROM idempotency_keys WHERE caller = $1 AND key = $2 FOR UPDATE',
    [fence.caller, fence.key],
  );
  const row = rows[0];
  if (row?.owner !== fence.owner) {
    throw new AppError('IDEMPOTENCY_KEY_IN_PROGRESS', 'a retry with this Idempotency-Key took the request over', {
      status: 409,
      retryable: true,
    });
  }
  return row.effects.length > fence.step ? { done: true, result: row.effects[fence.step] } : { done: false };
}

/** Inside the same transaction, after the work: the result a takeover gets instead of a rerun. */
export async function recordEffect(tx: Queryable, fence: Fence, result: unknown): Promise<void> {
  await tx.query(
    `UPDATE idempotency_keys SET effects = effects || jsonb_build_array($3::jsonb) WHERE caller = $1 AND key = $2`,
    [fence.caller, fence.key, JSON.stringify(result ?? null)],
  );
}
