// One object for the API and the CLI: the replay module's functions bound to the composed log,
// codec and database, plus the state that outlives a request (jobs, debug sessions, snapshotters)
// and a registry of named handlers a replay may target ("rebuild the read model", "warm the cache").
import type { EventCodec } from '../events/codec.ts';
import type { EventHandler } from '../log/consumer-runner.ts';
import type { EventLog } from '../log/event-log.ts';
import type { Db } from '../store/db.ts';
import { diffStates, type StateDiff } from './time-travel/index.ts';
import { createDebugSessions, type DebugSessions } from './debug/index.ts';
import { badReplayRequest } from './shared/errors.ts';
import { AppError } from '../errors.ts';
import { eventHistogram, type Histogram, type HistogramWindow } from './time-travel/index.ts';
import { createJobRegistry, type ReplayJob, type ReplayJobSnapshot } from './engine/index.ts';
import {
  allOffsets,
  countEvents,
  estimateReplayDuration,
  offsetsForTime,
  topicOffsets,
  type AllOffsets,
  type DurationEstimate,
  type EstimateOptions,
  type OffsetAtTime,
  type TopicOffsets,
} from './offsets/index.ts';
import {
  listOffsetSnapshots,
  restoreGroupOffsets,
  saveOffsetSnapshot,
  type OffsetSnapshot,
  type RestorePlan,
  type RestoreRequest,
} from './offsets/index.ts';
import { rebuildReadModels, type RebuildModel, type RebuildResult } from './rebuild/index.ts';
import { reconstructCustomer, reconstructSystem, type CustomerAt, type SystemAt } from './time-travel/index.ts';
import { startReplay, type ReplayRequest, type ReplayRun } from './engine/index.ts';
import { createSnapshotStore, createSnapshotter, type SnapshotStore, type Snapshotter } from './time-travel/index.ts';
import type { ReplayTarget } from './engine/index.ts';
import { timeline, type TimelinePage, type TimelineRequest } from './time-travel/index.ts';
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
  allOffsets(): Promise<AllOffsets>;
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

export function createReplayService(options: ReplayServiceOptions): ReplayService {
  const { log, codec, db } = options;
  const snapshots = createSnapshotStore(db);
  const deps = { log, codec, snapshots };
  const jobs = createJobRegistry();
  const sessions = createDebugSessions(deps, options.sessionIdleMs ? { idleMs: options.sessionIdleMs } : {});
  const snapshotters = new Map<string, Snapshotter>();
  const handlers = new Map((options.handlers ?? []).map((h) => [h.name, h]));
  let measuredMaxRate: number | undefined;

  function resolveTarget(target: ServiceReplayTarget): ReplayTarget {
    if (target.kind !== 'handlers' || !('names' in target)) return target;
    const unknown = target.names.filter((n) => !handlers.has(n));
    // Well-formed, but not a handler this service has (they are configured, not in the schema): 422.
    if (unknown.length > 0) {
      const known = [...handlers.keys()].join(', ') || 'none';
      throw new AppError('UNKNOWN_HANDLERS', `unknown handlers: ${unknown.join(', ')}; known: ${known}`, {
        status: 422,
      });
    }
    return { kind: 'handlers', handlers: target.names.map((n) => handlers.get(n) as EventHandler) };
  }

  function estimate(topic: string, request: Omit<EstimateOptions, 'maxEventsPerSecond'>): Promise<DurationEstimate> {
    const rate = measuredMaxRate ?? options.maxEventsPerSecond;
    return estimateReplayDuration(log, topic, {
      ...request,
      ...(rate !== undefined ? { maxEventsPerSecond: rate } : {}),
    });
  }

  return {
    snapshots,
    sessions,
    topicOffsets: (topic) => topicOffsets(log, topic),
    allOffsets: () => allOffsets(log),
    offsetsForTime: (topic, time) => offsetsForTime(log, topic, time),
    countEvents: (topic, start, end, customerId) => countEvents(log, topic, start, end, customerId),
    estimate,

    async replay(request) {
      jobs.prune(options.jobRetentionMs ?? 3_600_000);
      await log.partitionCount(request.topic); // an unknown topic is a 404 now, not a FAILED job later
      const window = {
        ...(request.startTime !== undefined ? { startTime: request.startTime } : {}),
        ...(request.endTime !== undefined ? { endTime: request.endTime } : {}),
      };
      const run = startReplay(
        { log, codec },
        {
          ...request,
          estimate: await estimate(request.topic, { ...window, speed: request.speed ?? 'MAX' }),
          target: resolveTarget(request.target),
          ...(options.liveTopic !== undefined ? { liveTopic: options.liveTopic } : {}),
        },
      );
      jobs.add(run);
      void run.done.then((final) => {
        // Only a long enough MAX run says something about the rate.
        if ((request.speed ?? 'MAX') === 'MAX' && final.status === 'COMPLETED' && final.progress.processed >= 1000)
          measuredMaxRate = final.throughput;
      });
      return run;
    },
    job: (id) => jobs.get(id),
    jobs: () => jobs.list(),

    reconstructCustomer: (topic, customerId, at) =>
      reconstructCustomer(deps, { topic, customerId, ...(at !== undefined ? { at } : {}) }),
    reconstructSystem: (topic, at) => reconstructSystem(deps, { topic, ...(at !== undefined ? { at } : {}) }),
    diff: (topic, from, to, customerId) =>
      diffStates(deps, { topic, from, to, ...(customerId !== undefined ? { customerId } : {}) }),
    timeline: (request) => timeline({ log, codec }, request),
    handlerNames: () => [...handlers.values()].filter((h) => h.replaySafe).map((h) => h.name),
    histogram: (topic, window) => eventHistogram(log, topic, window),

    saveOffsetSnapshot: (group, topic, name) =>
      saveOffsetSnapshot({ db, log }, { group, topic, ...(name !== undefined ? { name } : {}) }),
    listOffsetSnapshots: (filter) => listOffsetSnapshots(db, filter),
    restoreGroup: (request) => restoreGroupOffsets({ db, log }, request),

    startSnapshotter(topic) {
      let snapshotter = snapshotters.get(topic);
      if (!snapshotter) {
        snapshotter = createSnapshotter({
          log,
          codec,
          store: snapshots,
          topic,
          ...(options.snapshotEvery !== undefined ? { every: options.snapshotEvery } : {}),
          ...(options.onSnapshotError ? { onError: options.onSnapshotError } : {}),
        }).start();
        snapshotters.set(topic, snapshotter);
      }
      return snapshotter;
    },

    async stopSnapshotter(topic) {
      const snapshotter = snapshotters.get(topic);
      snapshotters.delete(topic);
      await snapshotter?.stop();
    },

    rebuildReadModels(topic, rebuild = {}) {
      if (!options.readModels) throw badReplayRequest('no read models were given to the replay service');
      const settle = options.settleLog ? { settle: options.settleLog } : {};
      return rebuildReadModels({ db, log, codec, topic, models: options.readModels, ...settle, ...rebuild });
    },

    async close() {
      for (const job of jobs.list()) if (job.finishedAt === null) jobs.get(job.id)?.cancel();
      sessions.closeAll();
      await Promise.all([...snapshotters.values()].map((s) => s.stop()));
      snapshotters.clear();
    },
  };
}
