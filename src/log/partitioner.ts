// Kafka's default partitioner, so a customer lands on the same partition whichever adapter holds the log.
import { murmur2 } from '@platformatic/kafka';

export function partitionFor(key: string, partitions: number): number {
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;
}
