// A bench's own Kafka topics, deleted when it ends: a single broker keeps every partition it ever had
// and pays for each every 5 s (scripts/prune-topics.ts deletes what a killed run left).
import { Admin } from '@platformatic/kafka';

export async function deleteRunTopics(brokers: string, prefix: string): Promise<void> {
  const admin = new Admin({ clientId: 'bss-bench-cleanup', bootstrapBrokers: brokers.split(',') });
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.close();
  }
}
