// Time travel: the state at a moment (from snapshots and the log), diffs, the timeline and its histogram.
export {
  reconstructCustomer,
  reconstructSystem,
  endOffsetAt,
  foldPartition,
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
export { eventHistogram, type Histogram, type HistogramWindow } from './histogram.ts';
export { HISTOGRAM_SCAN_LIMIT } from './filtered-histogram.ts';
