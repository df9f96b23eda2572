import { FetchIsolationLevels, ListOffsetTimestamps, type Admin } from '@platformatic/kafka';
import type { PartitionOffsets, RecordPosition } from '../event-log.ts';
import type { TopicCatalog } from './topics.ts';
import { BssError } from '../../errors.ts';

export interface Offsets {
  offsetForTime(topic: string, partition: number, timestamp: number): Promise<number>;
  offsetsForTimes(topic: string, timestamps: readonly number[]): Promise<number[][]>;
  offsets(topic: string): Promise<PartitionOffsets[]>;
  startOffset(topic: string, partition: number): Promise<number>;
  commit(group: string, topic: string, positions: readonly RecordPosition[]): Promise<void>;
  committed(group: string, topic: string): Promise<Map<number, number | null>>;
  groups(): Promise<string[]>;
  members(group: string): Promise<number>;
}

export function createOffsets(admin: Admin, catalog: TopicCatalog): Offsets {
  const listAt = (topic: string, partitions: readonly number[], timestamp: bigint) =>
    listOffsetsAt(admin, topic, partitions, timestamp);
  const allPartitions = async (topic: string) =>
    Array.from({ length: await catalog.partitionCount(topic) }, (_, partition) => partition);

  // Negative timestamps mean LATEST/EARLIEST to Kafka; a time before 1970 is before every record.
  const byTime = (timestamp: number) => BigInt(Math.max(0, Math.trunc(timestamp)));

  return {
    async offsetForTime(topic, partition, timestamp) {
      return (await listAt(topic, [partition], byTime(timestamp))).get(partition) ?? -1;
    },

    async offsetsForTimes(topic, timestamps) {
      const partitions = await allPartitions(topic);
      // Ends asked last, so a record appended meanwhile cannot put an end before a found offset.
      const found = await Promise.all(timestamps.map((t) => listAt(topic, partitions, byTime(t))));
      const ends = await listAt(topic, partitions, ListOffsetTimestamps.LATEST);
      return found.map((atTime) =>
        partitions.map((p) => {
          const offset = atTime.get(p) ?? -1;
          return offset < 0 ? (ends.get(p) ?? 0) : offset;
        }),
      );
    },

    async offsets(topic) {
      const partitions = await allPartitions(topic);
      // One ListOffsets may not name a partition twice.
      const [starts, ends] = await Promise.all([
        listAt(topic, partitions, ListOffsetTimestamps.EARLIEST),
        listAt(topic, partitions, ListOffsetTimestamps.LATEST),
      ]);
      return partitions.map((partition) => ({
        partition,
        start: starts.get(partition) ?? 0,
        end: ends.get(partition) ?? 0,
      }));
    },

    async startOffset(topic, partition) {
      return (await listAt(topic, [partition], ListOffsetTimestamps.EARLIEST)).get(partition) ?? 0;
    },

    commit: (group, topic, positions) => commitWithoutMembers(admin, group, topic, positions),

    async committed(group, topic) {
      return committedOffsets(admin, group, await allPartitions(topic), topic);
    },

    async members(group) {
      const described = await admin.describeGroups({ groups: [group] });
      return described.get(group)?.members.size ?? 0;
    },

    async groups() {
      const groups = await admin.listGroups();
      // Share groups and non-consumer protocols (Connect) are not consumer groups.
      return [...groups.values()]
        .filter(
          (g) => (g.groupType ?? 'classic') !== 'share' && (g.protocolType === '' || g.protocolType === 'consumer'),
        )
        .map((g) => g.id)
        .sort();
    },
  };
}

async function listOffsetsAt(admin: Admin, topic: string, partitions: readonly number[], timestamp: bigint) {
  const answer = await admin.listOffsets({
    topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }],
    isolationLevel: FetchIsolationLevels.READ_COMMITTED,
  });
  const offsets = new Map<number, number>();
  for (const t of answer) for (const p of t.partitions) offsets.set(p.partitionIndex, Number(p.offset));
  return offsets;
}

/** Accepted only while the group has no active members; stopped members take a moment to leave. */
async function commitWithoutMembers(
  admin: Admin,
  group: string,
  topic: string,
  positions: readonly RecordPosition[],
): Promise<void> {
  if (positions.length === 0) return;
  const request = {
    groupId: group,
    topics: [
      {
        name: topic,
        partitionOffsets: positions.map((p) => ({ partition: p.partition, offset: BigInt(p.offset) })),
      },
    ],
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await admin.alterConsumerGroupOffsets(request);
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new BssError('GROUP_ACTIVE', `group ${group} still has active members: stop them, then restore`, {
          status: 409,
          retryable: true,
          cause: error,
        });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function committedOffsets(
  admin: Admin,
  group: string,
  partitions: number[],
  topic: string,
): Promise<Map<number, number | null>> {
  const answer = await admin.listConsumerGroupOffsets({
    groups: [{ groupId: group, topics: [{ name: topic, partitionIndexes: partitions }] }],
  });
  const committed = new Map<number, number | null>(partitions.map((p) => [p, null]));
  for (const g of answer) {
    for (const t of g.topics) {
      for (const p of t.partitions) {
        if (p.committedOffset >= 0n) committed.set(p.partitionIndex, Number(p.committedOffset));
      }
    }
  }
  return committed;
}
