import type { Admin } from '@platformatic/kafka';
import type { TopicSpec } from '../event-log.ts';
import { hasKafkaError } from './errors.ts';

export interface TopicLayout {
  /** Fetch v13+ addresses topics by id. */
  readonly id: string;
  readonly leaders: readonly number[];
}

export interface TopicCatalog {
  ensureTopic(topic: string, spec: TopicSpec): Promise<void>;
  topics(): Promise<string[]>;
  /** Cached: records are placed by murmur2(key) % count. */
  partitionCount(topic: string): Promise<number>;
  layout(topic: string, refresh?: boolean): Promise<TopicLayout>;
}

export interface TopicDefaults {
  readonly retentionMs: number;
  readonly replicationFactor: number;
}

const READY_TIMEOUT_MS = 15_000;
const READY_POLL_MS = 50;

export function createTopicCatalog(admin: Admin, defaults: TopicDefaults): TopicCatalog {
  // Promises, so concurrent appends to a new topic share one lookup and stay in call order.
  const partitionCounts = new Map<string, Promise<number>>();

  const layout = async (topic: string, refresh = false): Promise<TopicLayout> => {
    const metadata = await admin.metadata({ topics: [topic], forceUpdate: refresh });
    const found = metadata.topics.get(topic);
    if (!found) throw new Error(`Kafka topic ${topic} does not exist`);
    return { id: found.id, leaders: found.partitions.map((p) => p.leader) };
  };

  // Until every partition has a leader, producers and fetches would fail and retry with a delay.
  const waitUntilReady = async (topic: string): Promise<void> => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const ready = await admin
        .metadata({ topics: [topic], forceUpdate: true, retries: 0 })
        .then((m) => m.topics.get(topic))
        .then((t) => t !== undefined && t.partitionsCount > 0 && t.partitions.every((p) => p.leader >= 0))
        .catch(() => false);
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`Kafka topic ${topic} has no leader after ${READY_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
    }
  };

  return {
    async ensureTopic(topic, spec) {
      try {
        await admin.createTopics({
          topics: [topic],
          partitions: spec.partitions,
          replicas: defaults.replicationFactor,
          configs: [{ name: 'retention.ms', value: String(spec.retentionMs ?? defaults.retentionMs) }],
        });
      } catch (error) {
        if (!hasKafkaError(error, 'TOPIC_ALREADY_EXISTS')) throw error;
      }
      await waitUntilReady(topic);
    },

    async topics() {
      // "__" also marks Kafka's own topics that are not flagged internal.
      return (await admin.listTopics({ includeInternals: false })).filter((name) => !name.startsWith('__'));
    },

    partitionCount(topic) {
      let count = partitionCounts.get(topic);
      if (!count) {
        count = layout(topic).then((found) => found.leaders.length);
        partitionCounts.set(topic, count);
        count.catch(() => partitionCounts.delete(topic)); // a missing topic may be created later
      }
      return count;
    },

    layout,
  };
}
