// Liveness as a session advisory lock named by the instance id: the server frees it the moment the process
// dies, so others can take over its work at once. Work tied to the id must stay safe to take over (fence.ts).
import { randomUUID } from 'node:crypto';
import { holdLeadership } from './leadership.ts';

const lockName = (id: string) => `bss:instance:${id}`;

/** True when that instance holds no liveness lock (taking it until the transaction ends is harmless). */
export const instanceGoneSql = (idExpression: string): string =>
  `pg_try_advisory_xact_lock(hashtext('bss:instance:' || ${idExpression}))`;

export interface InstanceLiveness {
  readonly id: string;
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
