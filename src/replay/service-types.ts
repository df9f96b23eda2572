import type { EventCodec } from '../events/codec.ts';
import type { EventHandler } from '../log/consumer-runner.ts';
import type { EventLog, LogRecord } from '../log/event-log.ts';
import type { RecentAppends } from '../log/recent-appends.ts';
import type { Db } from '../store/db.ts';
import type { DebugSessions } from './debug/index.ts';
import type { ReplayJob, ReplayJobSnapshot, ReplayRequest, ReplayRun, ReplayTarget } from './engine/index.ts';
import type {
  AllOffsets,
  DurationEstimate,
  EstimateOptions,
  OffsetAtTime,
  OffsetSnapshot,
  RestorePlan,
  RestoreRequest,
  TopicOffsets,
} from './offsets/index.ts';
import type { RebuildModel, RebuildResult } from './rebuild/index.ts';
import type {
  CustomerAt,
  Histogram,
  HistogramWindow,
  SnapshotStore,
  Snapshotter,
  StateDiff,
  SystemAt,
  TimelinePage,
  TimelineRequest,
} from './time-travel/index.ts';
import type { TimeInput } from './shared/time.ts';

export interface ReplayServiceOptions {
  readonly log: EventLog;
  readonly codec: EventCodec;
  readonly db: Db;
  /** Replays never append to it. */
  readonly liveTopic?: string;
  readonly handlers?: readonly EventHandler[];
  readonly readModels?: Readonly<Record<string, RebuildModel>>;
  /** Kafka mode: a rebuild's swap waits until committed outbox rows are in Kafka. */
  readonly settleLog?: () => Promise<void>;
  readonly snapshotEvery?: number;
  readonly sessionIdleMs?: number;
  readonly jobRetentionMs?: number;
  /** Until a MAX replay has been measured. */
  readonly maxEventsPerSecond?: number;
  readonly onSnapshotError?: (error: unknown) => void;
  /** Records the snapshotter folds without validating them again. */
  readonly trustedRecord?: (record: LogRecord) => boolean;
  /** What this process appended (the relay, Kafka mode): the snapshotter folds it without fetching it back. */
  readonly recentAppends?: RecentAppends;
}

export type ServiceReplayTarget = ReplayTarget | { readonly kind: 'handlers'; readonly names: readonly string[] };
export type ServiceReplayRequest = Omit<ReplayRequest, 'target'> & { readonly target: ServiceReplayTarget };

export interface ReplayService {
  readonly snapshots: SnapshotStore;
  readonly sessions: DebugSessions;
  topicOffsets(topic: string): Promise<TopicOffsets>;
  /** Every topic's offsets and every group's standing on them; only the topics named with `topicPrefix`. */
  allOffsets(topicPrefix?: string): Promise<AllOffsets>;
  offsetsForTime(topic: string, time: TimeInput): Promise<OffsetAtTime[]>;
  countEvents(topic: string, start?: TimeInput, end?: TimeInput, customerId?: string): Promise<number>;
  estimate(topic: string, options: Omit<EstimateOptions, 'maxEventsPerSecond'>): Promise<DurationEstimate>;
  replay(request: ServiceReplayRequest): Promise<ReplayRun>;
  job(id: string): ReplayJob | undefined;
  jobs(): ReplayJobSnapshot[];
  reconstructCustomer(topic: string, customerId: string, at?: TimeInput): Promise<CustomerAt>;
  reconstructSystem(topic: string, at?: TimeInput): Promise<SystemAt>;
  diff(topic: string, from: TimeInput, to: TimeInput, customerId?: string): Promise<StateDiff>;
  timeline(request: TimelineRequest): Promise<TimelinePage>;
  handlerNames(): string[];
  histogram(topic: string, window: HistogramWindow): Promise<Histogram>;
  saveOffsetSnapshot(group: string, topic: string, name?: string): Promise<OffsetSnapshot>;
  listOffsetSnapshots(filter?: { group?: string; topic?: string }): Promise<OffsetSnapshot[]>;
  restoreGroup(request: RestoreRequest): Promise<RestorePlan>;
  startSnapshotter(topic: string): Snapshotter;
  /** A later start resumes from the latest snapshot. */
  stopSnapshotter(topic: string): Promise<void>;
  rebuildReadModels(topic: string, options?: { until?: TimeInput; swap?: boolean }): Promise<RebuildResult>;
  close(): Promise<void>;
}
