// This process's liveness as PostgreSQL sees it: a session advisory lock named by the instance id, held
// on a dedicated connection (holdLeadership) for as long as the process runs. The server frees it the
// moment the process dies (its connection closes), so another instance tells at once that work tied to
// this id (an idempotency claim, a cache consumer group) has no owner left, instead of waiting for a
// lease to lapse. While the connection is down (a database restart) the instance looks gone; work tied
// to it must stay safe to take over (an idempotency claim's commands are fenced: fence.ts).
import { randomUUID } from 'node:crypto';
import { holdLeadership } from './leadership.ts';

const lockName = (id: string) => `bss:instance:${id}`;

/**
 * SQL that is true when the instance whose id the text expression gives holds no liveness lock. When
 * true it takes the lock until the end of the statement's transaction: harmless, that instance is gone.
 */
export const instanceGoneSql = (idExpression: string): string =>
  `pg_try_advisory_xact_lock(hashtext('bss:instance:' || ${idExpression}))`;

export interface InstanceLiveness {
  /** This process's instance id (random per start). */
  readonly id: string;
  /** Resolves once the lock is held, or after timeoutMs (work tied to the id is merely takeable meanwhile). */
  held(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

export function holdInstanceLiveness(options: {
  readonly url: string;
  readonly retryMs?: number;
  readonly onError?: (error: unknown) => void;
}): InstanceLiveness {
  const id = randomUUID();
  let acquired: () => void = () => {};
  const first = new Promise<void>((resolve) => (acquired = resolve));
  const leadership = holdLeadership({
    url: options.url,
    name: lockName(id),
    retryMs: options.retryMs ?? 1000,
    lead: () => acquired(),
    follow: () => {},
    ...(options.onError ? { onError: options.onError } : {}),
  });
  return {
    id,
    async held(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      const ok = await Promise.race([first.then(() => true), late]);
      clearTimeout(timer);
      return ok;
    },
    stop: () => leadership.stop(),
  };
}
