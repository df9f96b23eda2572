export {
  createReplayService,
  type ReplayService,
  type ReplayServiceOptions,
  type ServiceReplayRequest,
  type ServiceReplayTarget,
} from './service.ts';
export * from './offsets/index.ts';
export * from './engine/index.ts';
export {
  reconstructCustomer,
  reconstructSystem,
  diffStates,
  diffValues,
  createSnapshotStore,
  createSnapshotter,
  timeline,
  eventHistogram,
  TIMELINE_SCAN_LIMIT,
  HISTOGRAM_SCAN_LIMIT,
  type ReconstructDeps,
  type CustomerAt,
  type SystemAt,
  type PartitionFold,
  type StateDiff,
  type FieldChange,
  type ChangingEvent,
  type SnapshotStore,
  type Snapshotter,
  type SnapshotterOptions,
  type SnapshotInfo,
  type StateSnapshot,
  type TimelineRequest,
  type TimelinePage,
  type TimelineEvent,
  type Histogram,
  type HistogramWindow,
} from './time-travel/index.ts';
export * from './debug/index.ts';
export * from './rebuild/index.ts';
export { REPLAY_SPEEDS, speedFactor, type ReplaySpeed } from './shared/speed.ts';
export type { EventFilter } from './shared/filter.ts';
export { MAX_TIME_MS, isReplayTime, toMillis, optionalMillis, type TimeInput } from './shared/time.ts';
