// Deletes the Kafka topics a test created under its unique prefix (a BSS_TOPIC_PREFIX, or a run id its
// topic names start with): the single broker keeps every partition it ever had and writes a checkpoint
// line for each every 5 s. Call it once whatever wrote to those topics has stopped.
import { Admin } from '@platformatic/kafka';

export async function deleteTopicsWithPrefix(brokers: string, ...prefixes: string[]): Promise<void> {
  // An empty prefix would match every topic on the shared broker, the project's own bss.* included.
  if (prefixes.includes('')) throw new Error('deleteTopicsWithPrefix: empty prefix');
  const admin = new Admin({ clientId: 'bss-test-cleanup', bootstrapBrokers: brokers.split(',') });
  try {
    const topics = (await admin.listTopics()).filter((topic) => prefixes.some((p) => topic.startsWith(p)));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.close();
  }
}
