import { instrument, type Component, type OperationMetrics } from '../observability/instrument.ts';
import type { EventLog } from './event-log.ts';

export function instrumentEventLog(log: EventLog, metrics: OperationMetrics, component: Component): EventLog {
  return {
    ...log,
    kind: log.kind,
    append: instrument(metrics, component, 'append', (topic, records) =>
      log.append(topic, records),
    ) as EventLog['append'],
    read: instrument(metrics, component, 'read', (topic, partition, from, options) =>
      log.read(topic, partition, from, options),
    ) as EventLog['read'],
    subscribe: (options) => log.subscribe(options),
    ensureTopic: (topic, spec) => log.ensureTopic(topic, spec),
    topics: () => log.topics(),
    partitionCount: (topic) => log.partitionCount(topic),
    offsetForTime: (topic, partition, timestamp) => log.offsetForTime(topic, partition, timestamp),
    offsetsForTimes: (topic, timestamps) => log.offsetsForTimes(topic, timestamps),
    offsets: (topic) => log.offsets(topic),
    commit: (group, topic, positions) => log.commit(group, topic, positions),
    committed: (group, topic) => log.committed(group, topic),
    groups: () => log.groups(),
    members: (group, topic) => log.members(group, topic),
    close: () => log.close(),
  };
}
