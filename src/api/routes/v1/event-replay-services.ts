import type { EventFilter, ReplayService, ReplayRun, TimeInput } from '../../../replay/index.ts';

export interface EventReplayServices {
  readonly service: ReplayService;
  readonly liveTopic: string;
  /** Restore pauses ours (only when we run one of the group). */
  readonly consumers?: {
    runs(group: string): boolean;
    members(group: string): number;
    pause(group: string): Promise<() => Promise<void>>;
  };
  /** Kafka mode: so a rebuild folds every committed event. */
  readonly drainOutbox?: () => Promise<unknown>;
}

export const admin = { role: 'admin' as const };
export const tags = ['event replay'];

export const time = (value: string | number | undefined): TimeInput | undefined =>
  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;

export const list = (value: string | undefined): string[] | undefined =>
  value
    ?.split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

export function eventFilter(query: {
  readonly type?: string;
  readonly source?: string;
  readonly customerId?: string;
  readonly q?: string;
}): EventFilter {
  const types = list(query.type);
  const sources = list(query.source);
  return {
    ...(types ? { types } : {}),
    ...(sources ? { sources } : {}),
    ...(query.customerId !== undefined ? { customerId: query.customerId } : {}),
    ...(query.q !== undefined ? { text: query.q } : {}),
  };
}

/** Outside the service's job registry, kept here so GET /replay/{id}, SSE, step and cancel work on them. */
export function createSessionRuns(retentionMs = 3_600_000) {
  const runs = new Map<string, ReplayRun>();
  return {
    add(run: ReplayRun): void {
      const cutoff = Date.now() - retentionMs;
      for (const [id, r] of runs) {
        const finished = r.snapshot().finishedAt;
        if (finished !== null && Date.parse(finished) < cutoff) runs.delete(id);
      }
      runs.set(run.id, run);
    },
    get: (id: string) => runs.get(id),
    list: () => [...runs.values()].map((r) => r.snapshot()),
  };
}
export type SessionRuns = ReturnType<typeof createSessionRuns>;
