import { createDebugSessions } from './debug/index.ts';
import {
  allOffsets,
  countEvents,
  listOffsetSnapshots,
  offsetsForTime,
  restoreGroupOffsets,
  saveOffsetSnapshot,
  topicOffsets,
} from './offsets/index.ts';
import { rebuildReadModels } from './rebuild/index.ts';
import { badReplayRequest } from './shared/errors.ts';
import { createJobsPart } from './service-jobs.ts';
import { createSnapshottersPart } from './service-snapshotters.ts';
import type { ReplayService, ReplayServiceOptions } from './service-types.ts';
import {
  createSnapshotStore,
  diffStates,
  eventHistogram,
  reconstructCustomer,
  reconstructSystem,
  timeline,
  type ReconstructDeps,
} from './time-travel/index.ts';

export type {
  ReplayService,
  ReplayServiceOptions,
  ServiceReplayRequest,
  ServiceReplayTarget,
} from './service-types.ts';

type OffsetsPart = Pick<
  ReplayService,
  | 'topicOffsets'
  | 'allOffsets'
  | 'offsetsForTime'
  | 'countEvents'
  | 'saveOffsetSnapshot'
  | 'listOffsetSnapshots'
  | 'restoreGroup'
>;

function offsetsPart({ log, db }: ReplayServiceOptions): OffsetsPart {
  return {
    topicOffsets: (topic) => topicOffsets(log, topic),
    allOffsets: (topicPrefix) => allOffsets(log, topicPrefix),
    offsetsForTime: (topic, time) => offsetsForTime(log, topic, time),
    countEvents: (topic, start, end, customerId) => countEvents(log, topic, start, end, customerId),
    saveOffsetSnapshot: (group, topic, name) =>
      saveOffsetSnapshot({ db, log }, { group, topic, ...(name !== undefined ? { name } : {}) }),
    listOffsetSnapshots: (filter) => listOffsetSnapshots(db, filter),
    restoreGroup: (request) => restoreGroupOffsets({ db, log }, request),
  };
}

type TimeTravelPart = Pick<
  ReplayService,
  'reconstructCustomer' | 'reconstructSystem' | 'diff' | 'timeline' | 'histogram'
>;

function timeTravelPart(deps: ReconstructDeps): TimeTravelPart {
  const { log, codec } = deps;
  return {
    reconstructCustomer: (topic, customerId, at) =>
      reconstructCustomer(deps, { topic, customerId, ...(at !== undefined ? { at } : {}) }),
    reconstructSystem: (topic, at) => reconstructSystem(deps, { topic, ...(at !== undefined ? { at } : {}) }),
    diff: (topic, from, to, customerId) =>
      diffStates(deps, { topic, from, to, ...(customerId !== undefined ? { customerId } : {}) }),
    timeline: (request) => timeline({ log, codec }, request),
    histogram: (topic, window) => eventHistogram(log, topic, window),
  };
}

function rebuildPart(options: ReplayServiceOptions): ReplayService['rebuildReadModels'] {
  const { db, log, codec } = options;
  return (topic, rebuild = {}) => {
    if (!options.readModels) throw badReplayRequest('no read models were given to the replay service');
    const settle = options.settleLog ? { settle: options.settleLog } : {};
    return rebuildReadModels({ db, log, codec, topic, models: options.readModels, ...settle, ...rebuild });
  };
}

export function createReplayService(options: ReplayServiceOptions): ReplayService {
  const snapshots = createSnapshotStore(options.db);
  const deps = { log: options.log, codec: options.codec, snapshots };
  const sessions = createDebugSessions(deps, options.sessionIdleMs ? { idleMs: options.sessionIdleMs } : {});
  const { cancelAll, ...jobs } = createJobsPart(options);
  const { stopAll, ...snapshotters } = createSnapshottersPart(options, snapshots);
  return {
    snapshots,
    sessions,
    ...offsetsPart(options),
    ...jobs,
    ...timeTravelPart(deps),
    ...snapshotters,
    rebuildReadModels: rebuildPart(options),
    async close() {
      cancelAll();
      sessions.closeAll();
      await stopAll();
    },
  };
}
