// The replay service's contract: what the API and the CLI hold (ReplayService) and how it is built.
import type { EventCodec } from '../events/codec.ts';
import type { EventHandler } from '../log/consumer-runner.ts';
import type { EventLog } from '../log/event-log.ts';
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
  /** The configured live topic (BSS_TOPIC_PREFIX + bss.events): replays never append to it. */
  readonly liveTopic?: string;
  /** Handlers a replay may name (only replay-safe ones are ever called). */
  readonly handlers?: readonly EventHandler[];
  /** READ_MODELS of src/application/read-model/tables.ts, for rebuild(). */
  readonly readModels?: Readonly<Record<string, RebuildModel>>;
  /** Kafka mode: resolves once the outbox rows committed so far are in Kafka (a rebuild's swap waits on it). */
  readonly settleLog?: () => Promise<void>;
  /** Records per partition between state snapshots. Default 10,000. */
  readonly snapshotEvery?: number;
  readonly sessionIdleMs?: number;
  /** Finished jobs are forgotten after this long. Default 1 h. */
  readonly jobRetentionMs?: number;
  /** Events/s assumed for MAX before a MAX replay has been measured. */
  readonly maxEventsPerSecond?: number;
  /** A background snapshotter's failed round (it tries again after its poll interval). */
  readonly onSnapshotError?: (error: unknown) => void;
}

/** A target by handler names, as an API request gives it. */
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
  /** MAX uses the throughput of the last finished MAX replay when there is one. */
  estimate(topic: string, options: Omit<EstimateOptions, 'maxEventsPerSecond'>): Promise<DurationEstimate>;
  /** Starts a job; rejects at once (NOT_FOUND, INVALID_REPLAY_REQUEST) when the request cannot run. */
  replay(request: ServiceReplayRequest): Promise<ReplayRun>;
  job(id: string): ReplayJob | undefined;
  jobs(): ReplayJobSnapshot[];
  reconstructCustomer(topic: string, customerId: string, at?: TimeInput): Promise<CustomerAt>;
  reconstructSystem(topic: string, at?: TimeInput): Promise<SystemAt>;
  diff(topic: string, from: TimeInput, to: TimeInput, customerId?: string): Promise<StateDiff>;
  timeline(request: TimelineRequest): Promise<TimelinePage>;
  /** The handlers a replay may name (all replay-safe), by name. */
  handlerNames(): string[];
  /** Events per time bucket, counted from offsets by time (no record read), or filtered (bounded). */
  histogram(topic: string, window: HistogramWindow): Promise<Histogram>;
  saveOffsetSnapshot(group: string, topic: string, name?: string): Promise<OffsetSnapshot>;
  listOffsetSnapshots(filter?: { group?: string; topic?: string }): Promise<OffsetSnapshot[]>;
  restoreGroup(request: RestoreRequest): Promise<RestorePlan>;
  /** Starts (once per topic) the background snapshotter; close() stops it. */
  startSnapshotter(topic: string): Snapshotter;
  /** Stops the topic's snapshotter (leadership lost); a later start resumes from the latest snapshot. */
  stopSnapshotter(topic: string): Promise<void>;
  rebuildReadModels(topic: string, options?: { until?: TimeInput; swap?: boolean }): Promise<RebuildResult>;
  /** Cancels running jobs, closes sessions, stops snapshotters. */
  close(): Promise<void>;
}
