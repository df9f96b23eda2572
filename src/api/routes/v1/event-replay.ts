import type { ApiApp } from '../../types.ts';
import { createSessionRuns, type EventReplayServices } from './event-replay-services.ts';
import { replayJobRoutes } from './event-replay-jobs.ts';
import { debugSessionRoutes } from './event-replay-debug.ts';
import { replayOffsetRoutes } from './event-replay-offsets.ts';
import { timeTravelRoutes } from './event-replay-time-travel.ts';
import { groupOffsetRoutes } from './event-replay-groups.ts';
import { rebuildRoutes } from './event-replay-rebuild.ts';

export function eventReplayRoutes(replay: EventReplayServices) {
  return async function routes(api: ApiApp): Promise<void> {
    const sessionRuns = createSessionRuns();
    await api.register(replayJobRoutes(replay, sessionRuns));
    await api.register(debugSessionRoutes(replay, sessionRuns));
    await api.register(replayOffsetRoutes(replay));
    await api.register(timeTravelRoutes(replay));
    await api.register(groupOffsetRoutes(replay));
    await api.register(rebuildRoutes(replay));
  };
}
