import { Admin, Consumer, ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka';
import type { EventLog, Subscription } from '../event-log.ts';
import { createOffsets } from './offsets.ts';
import { baseClientOptions, resolveKafkaOptions, type KafkaEventLogOptions } from './options.ts';
import { createAppender } from './producer.ts';
import { createReader } from './reader.ts';
import { subscribe } from './subscription.ts';
import { createTopicCatalog } from './topics.ts';

export type { KafkaEventLogOptions } from './options.ts';

export function createKafkaEventLog(options: KafkaEventLogOptions): EventLog {
  const settings = resolveKafkaOptions(options);
  const admin = new Admin(baseClientOptions(settings, 'admin'));
  const producer = new Producer({
    ...baseClientOptions(settings, 'producer'),
    // acks = all, stated so no change can weaken it: with min.insync.replicas 2 every record is held twice.
    idempotent: true,
    acks: ProduceAcks.ALL,
    compression: settings.compression,
    serializers: stringSerializers,
  });
  // Never joins its group: read() only uses its fetch.
  const reader = new Consumer({ ...baseClientOptions(settings, 'reader'), groupId: `${settings.clientId}-reader` });

  const catalog = createTopicCatalog(admin, settings);
  const offsets = createOffsets(admin, catalog);
  const appender = createAppender(producer, catalog.partitionCount, settings);
  const read = createReader({
    consumer: reader,
    catalog,
    startOffset: offsets.startOffset,
    maxBytesPerPartition: settings.fetchMaxBytes,
  });
  const subscriptions = new Set<Subscription>();

  return {
    kind: 'kafka',
    ensureTopic: catalog.ensureTopic,
    topics: catalog.topics,
    partitionCount: catalog.partitionCount,
    append: appender.append,
    read,
    offsetForTime: offsets.offsetForTime,
    offsetsForTimes: offsets.offsetsForTimes,
    offsets: offsets.offsets,
    commit: offsets.commit,
    committed: offsets.committed,
    groups: offsets.groups,
    // A Kafka group here consumes one topic: its members are the topic's.
    members: (group) => offsets.members(group),

    async subscribe(subscribeOptions) {
      const subscription = await subscribe(settings, catalog, subscribeOptions);
      subscriptions.add(subscription);
      return {
        assignment: subscription.assignment,
        close: async () => {
          subscriptions.delete(subscription);
          await subscription.close();
        },
      };
    },

    async close() {
      await Promise.allSettled([...subscriptions].map((s) => s.close()));
      subscriptions.clear();
      await appender.flush();
      await Promise.all([producer.close(), reader.close(), admin.close()]);
    },
  };
}
