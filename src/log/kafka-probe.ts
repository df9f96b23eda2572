import { Admin } from '@platformatic/kafka';

export interface KafkaProbe {
  check(): Promise<void>;
  close(): Promise<void>;
}

export function createKafkaProbe(brokers: readonly string[]): KafkaProbe {
  const admin = new Admin({
    clientId: 'bss-readiness',
    bootstrapBrokers: [...brokers],
    connectTimeout: 1500,
    timeout: 1500,
    retries: 0,
  });
  return {
    async check() {
      const metadata = await admin.metadata({ topics: [], forceUpdate: true });
      if (metadata.brokers.size === 0) throw new Error('the cluster reports no brokers');
    },
    close: () => admin.close(),
  };
}
