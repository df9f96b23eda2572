// What the /api/v1/event-replay routes need from the composition root, and the small input helpers
// they share. The engine itself (src/replay) throws AppErrors with codes, so the routes only
// translate HTTP shapes to its calls.
import type { EventFilter, ReplayService, ReplayRun, TimeInput } from '../../../replay/index.ts';

export interface EventReplayServices {
  readonly service: ReplayService;
  /** The configured live topic (BSS_TOPIC_PREFIX + bss.events): the default topic of every call. */
  readonly liveTopic: string;
  /** This process's consumers by group: restore pauses ours (and only when we run one of the group). */
  readonly consumers?: {
    runs(group: string): boolean;
    members(group: string): number;
    pause(group: string): Promise<() => Promise<void>>;
  };
  /** Kafka mode: publishes the outbox, so a rebuild folds every committed event. */
  readonly drainOutbox?: () => Promise<unknown>;
}

/** Every event-replay route is an admin's. */
export const admin = { role: 'admin' as const };
export const tags = ['event replay'];

/** Query times: integer digits are ms since the epoch, anything else ISO-8601 text (the schema checks both). */
export const time = (value: string | number | undefined): TimeInput | undefined =>
  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;

export const list = (value: string | undefined): string[] | undefined =>
  value
    ?.split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

/** The filter query parameters the timeline and the histogram share, as the engine's filter. */
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

/**
 * Controlled replays of debug sessions run outside the service's job registry; the routes keep them
 * here so GET /replay/{id}, its SSE stream, step and cancel work on them as on any job.
 */
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
