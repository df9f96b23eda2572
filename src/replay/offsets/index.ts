// Consumer-group offsets: what topics hold, where groups stand, offsets by time, saved and restored positions.
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
