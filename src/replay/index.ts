// Event replay and time travel: the module's public surface, for the REST API (/api/v1/event-replay)
// and the `bss replay` CLI. Everything reads the log through the EventLog port, so it works the same
// on the database log and on Kafka. Times are ms since the epoch, ISO-8601 text or Dates.
//
//   offsets        topicOffsets, allOffsets, offsetsForTime, countEvents, estimateReplayDuration
//   replay         startReplay → ReplayRun (status, progress, step/pause/resume/cancel, updates())
//   jobs           createJobRegistry (list / look up / prune jobs for the API)
//   time travel    reconstructCustomer, reconstructSystem, diffStates
//   snapshots      createSnapshotStore, createSnapshotter (background task: start()/catchUp()/stop())
//   timeline       timeline (filters, maxEvents, opaque cursor, at most 10,000 records read a page)
//   groups         saveOffsetSnapshot, listOffsetSnapshots, getOffsetSnapshot, restoreGroupOffsets
//   debugging      createDebugSessions (open/get/list/close; step, seek, state, breakpoints)
//   read models    rebuildReadModels (shadow tables, atomic swap)
//
// createReplayService binds all of it to the composed log, codec and database, and keeps the state
// that outlives a request (jobs, debug sessions, snapshotters, named handlers).
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
