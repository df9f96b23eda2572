import { ListOffsetTimestamps, type Consumer } from '@platformatic/kafka';

export interface StartPositions {
  start(partitions: readonly number[]): Promise<Map<number, number>>;
  reset(partitions: readonly number[]): Promise<Map<number, number>>;
}

export function startPositions(
  consumer: Consumer,
  topic: string,
  from: 'earliest' | 'latest' | undefined,
): StartPositions {
  const reset = async (partitions: readonly number[]): Promise<Map<number, number>> => {
    const offsets = await consumer.listOffsets({
      topics: [topic],
      partitions: { [topic]: [...partitions] },
      timestamp: from === 'latest' ? ListOffsetTimestamps.LATEST : ListOffsetTimestamps.EARLIEST,
    });
    const found = offsets.get(topic);
    return new Map(partitions.map((partition) => [partition, Number(found?.[partition] ?? 0n)]));
  };

  const start = async (partitions: readonly number[]): Promise<Map<number, number>> => {
    if (partitions.length === 0) return new Map();
    const committed = await consumer.listCommittedOffsets({ topics: [{ topic, partitions: [...partitions] }] });
    const offsets = committed.get(topic);
    const positions = new Map<number, number>();
    for (const partition of partitions) {
      const offset = offsets?.[partition] ?? -1n; // -1: nothing committed
      if (offset >= 0n) positions.set(partition, Number(offset));
    }
    const unset = partitions.filter((partition) => !positions.has(partition));
    if (unset.length > 0) for (const [partition, offset] of await reset(unset)) positions.set(partition, offset);
    return positions;
  };

  return { start, reset };
}
