// Opening checks that the feed's group has members: without Kafka no service rates the CDRs, so the run stops.
import { Admin } from '@platformatic/kafka';
import { createKafkaEventLog } from '../log/kafka/kafka-event-log.ts';
import { groupOffsets } from '../log/event-log.ts';
import { cdrRecord, type Cdr } from '../mediation/cdr.ts';

export interface MediationFeedOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly group: string;
  /** A service just started may still be joining. */
  readonly consumerWaitMs?: number;
}

export interface Drained {
  readonly seconds: number;
  readonly lag: number;
}

export interface MediationFeed {
  readonly topic: string;
  readonly group: string;
  produce(cdrs: readonly Cdr[]): Promise<void>;
  drain(timeoutMs: number): Promise<Drained>;
  close(): Promise<void>;
}

const POLL_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function openMediationFeed(options: MediationFeedOptions): Promise<MediationFeed> {
  const { topic, group } = options;
  const log = createKafkaEventLog({ brokers: options.brokers, clientId: 'bss-load' });
  const admin = new Admin({ clientId: 'bss-load-admin', bootstrapBrokers: [...options.brokers] });
  try {
    if (!(await log.topics()).includes(topic)) {
      throw new Error(
        `--usage-via kafka: the mediation topic ${topic} does not exist on ${options.brokers.join(',')}; ` +
          'the service creates it when it runs in distributed mode (BSS_KAFKA_BROKERS set) with ' +
          'BSS_MEDIATION_CONSUMER on. Check --mediation-topic (BSS_TOPIC_PREFIX + BSS_MEDIATION_TOPIC) or use --usage-via http',
      );
    }
    const deadline = Date.now() + (options.consumerWaitMs ?? 15_000);
    for (;;) {
      const found = (await admin.describeGroups({ groups: [group] })).get(group);
      if ((found?.members.size ?? 0) > 0) break;
      if (Date.now() > deadline) {
        throw new Error(
          `--usage-via kafka: no service consumes ${topic} (consumer group ${group} has no members). ` +
            'Only a service in distributed mode (BSS_KAFKA_BROKERS set, BSS_MEDIATION_CONSUMER not off) rates the ' +
            'feed; an embedded or single-server service takes usage over HTTP only: use --usage-via http',
        );
      }
      await sleep(POLL_MS);
    }
  } catch (error) {
    await Promise.allSettled([log.close(), admin.close()]);
    throw error;
  }

  const lag = async () => (await groupOffsets(log, group, topic)).partitions.reduce((a, p) => a + p.lag, 0);
  return {
    topic,
    group,
    async produce(cdrs) {
      await log.append(topic, cdrs.map(cdrRecord));
    },
    async drain(timeoutMs) {
      const started = performance.now();
      for (;;) {
        const left = await lag();
        const seconds = (performance.now() - started) / 1000;
        if (left === 0 || seconds * 1000 >= timeoutMs) return { seconds, lag: left };
        await sleep(POLL_MS);
      }
    },
    async close() {
      await Promise.allSettled([log.close(), admin.close()]);
    },
  };
}
