// The filtered histogram's contract (histogram-contract.ts) on the real Kafka broker: no SQL there, so
// the same bounded read of the window through the EventLog port.
import { after, before, describe } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { createKafkaEventLog } from '../../../src/log/kafka/kafka-event-log.ts';
import type { EventLog } from '../../../src/log/event-log.ts';
import { requireEnv, uniqueName } from '../../support/env.ts';
import { histogramContract } from './histogram-contract.ts';

describe('filtered histogram on Kafka', () => {
  const brokers = requireEnv('BSS_KAFKA_BROKERS').split(',');
  const topic = uniqueName('histogram').replaceAll('_', '-');
  let log: EventLog;
  before(() => {
    log = createKafkaEventLog({ brokers, clientId: uniqueName('histogram-test') });
  });
  after(async () => {
    await log.close();
    const admin = new Admin({ clientId: 'bss-test-cleanup', bootstrapBrokers: brokers });
    await admin.deleteTopics({ topics: [topic] });
    await admin.close();
  });
  histogramContract(() => ({
    log,
    async newTopic() {
      await log.ensureTopic(topic, { partitions: 3 });
      return topic;
    },
  }));
});
