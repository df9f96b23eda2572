// Event replay and time travel, the module's public surface for the REST API and the `bss replay` CLI.
// createReplayService binds it to the composed log, codec and database (see README.md).
export {
  createReplayService,
  type ReplayService,
  type ReplayServiceOptions,
  type ServiceReplayRequest,
  type ServiceReplayTarget,
} from './service.ts';
export {
  topicOffsets,
  allOffsets,
  offsetsForTime,
  countEvents,
  estimateReplayDuration,
  DEFAULT_MAX_EVENTS_PER_SECOND,
  type TopicOffsets,
  type PartitionInfo,
  type AllOffsets,
  type OffsetAtTime,
  type DurationEstimate,
  type EstimateOptions,
} from './offsets.ts';
export { startReplay, type ReplayDeps, type ReplayRequest, type ReplayRun } from './replay-engine.ts';
export { REPLAY_SPEEDS, speedFactor, type ReplaySpeed } from './speed.ts';
export {
  createJobRegistry,
  type JobRegistry,
  type ReplayJob,
  type ReplayJobSnapshot,
  type ReplayJobStatus,
  type ReplayError,
} from './jobs.ts';
export { LIVE_EVENTS_TOPIC, REPLAY_HEADER, type ReplayTarget } from './targets.ts';
export type { EventFilter } from './filter.ts';
export {
  reconstructCustomer,
  reconstructSystem,
  type ReconstructDeps,
  type CustomerAt,
  type SystemAt,
  type PartitionFold,
} from './reconstruct.ts';
export { diffStates, diffValues, type StateDiff, type FieldChange, type ChangingEvent } from './diff.ts';
export {
  createSnapshotStore,
  createSnapshotter,
  type SnapshotStore,
  type Snapshotter,
  type SnapshotterOptions,
  type SnapshotInfo,
  type StateSnapshot,
} from './snapshots.ts';
export {
  timeline,
  TIMELINE_SCAN_LIMIT,
  type TimelineRequest,
  type TimelinePage,
  type TimelineEvent,
} from './timeline.ts';
export {
  saveOffsetSnapshot,
  listOffsetSnapshots,
  getOffsetSnapshot,
  restoreGroupOffsets,
  type OffsetSnapshot,
  type RestorePoint,
  type RestoreRequest,
  type RestorePlan,
  type PartitionMove,
} from './offset-snapshots.ts';
export { createDebugSessions, type DebugSessions } from './debug-sessions.ts';
export {
  type DebugSession,
  type OpenSessionOptions,
  type SessionInfo,
  type StepResult,
  type SessionEvent,
} from './debug-session.ts';
export { PREDICATE_OPS, type BreakpointSpec, type Breakpoint, type PredicateOp } from './breakpoints.ts';
export { rebuildReadModels, type RebuildRequest, type RebuildResult, type RebuildModel } from './rebuild.ts';
export type { TimeInput } from './time.ts';
