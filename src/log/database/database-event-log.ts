import type { Db } from '../../store/db.ts';
import type { EventLog } from '../event-log.ts';
import { appendWithin } from './append.ts';
import { commitOffsets, committedOffsets, listGroups, liveMembers } from './committed-offsets.ts';
import { offsetForTime, partitionOffsets, readRecords } from './records.ts';
import { offsetsForTimes } from './time-positions.ts';
import { countByTime } from './time-counts.ts';
import { startSubscription, type RunningSubscription, type SubscriptionTiming } from './subscription.ts';
import { ensureTopic, listTopics, partitionCount } from './topics.ts';
import { listenForAppends, type Wakeups } from './wakeups.ts';

export interface DatabaseEventLogOptions {
  readonly heartbeatMs?: number;
  readonly sessionTimeoutMs?: number;
  readonly pollMs?: number;
  readonly notify?: boolean;
}

/** The caller keeps ownership of `db`. */
export function createDatabaseEventLog(db: Db, options: DatabaseEventLogOptions = {}): EventLog {
  const timing: SubscriptionTiming = {
    heartbeatMs: options.heartbeatMs ?? 500,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 3000,
    pollMs: options.pollMs ?? 200,
  };
  // Renewals may be up to 1.5 heartbeats apart; leave room for a slow one.
  if (timing.sessionTimeoutMs < 2 * timing.heartbeatMs) {
    throw new RangeError('sessionTimeoutMs must be at least twice heartbeatMs, or members expire between heartbeats');
  }
  const notify = options.notify ?? true;
  const subscriptions = new Set<RunningSubscription>();
  let wakeups: Promise<Wakeups> | undefined;
  let closed = false;

  return {
    kind: 'database',
    ensureTopic: (topic, spec) => ensureTopic(db, topic, spec),
    topics: () => listTopics(db),
    partitionCount: (topic) => partitionCount(db, topic),
    append: (topic, records) => db.transaction((tx) => appendWithin(tx, topic, records, { notify })),
    read: (topic, partition, fromOffset, readOptions) => readRecords(db, topic, partition, fromOffset, readOptions),
    offsetForTime: (topic, partition, timestamp) => offsetForTime(db, topic, partition, timestamp),
    offsetsForTimes: (topic, timestamps) => offsetsForTimes(db, topic, timestamps),
    offsets: (topic) => partitionOffsets(db, topic),
    countByTime: (topic, buckets, match) => countByTime(db, topic, buckets, match),
    commit: (group, topic, positions) => commitOffsets(db, group, topic, positions),
    committed: (group, topic) => committedOffsets(db, group, topic),
    groups: () => listGroups(db),
    members: (group, topic) => liveMembers(db, group, topic),

    async subscribe(subscribeOptions) {
      if (closed) throw new Error('the event log client is closed');
      wakeups ??= listenForAppends(db).catch((error: unknown) => {
        wakeups = undefined;
        throw error;
      });
      const subscription = await startSubscription(db, await wakeups, timing, subscribeOptions);
      subscriptions.add(subscription);
      void subscription.stopped.then(() => subscriptions.delete(subscription));
      return subscription;
    },

    async close() {
      closed = true;
      await Promise.all([...subscriptions].map((s) => s.close()));
      if (wakeups) await (await wakeups).close();
      wakeups = undefined;
    },
  };
}
