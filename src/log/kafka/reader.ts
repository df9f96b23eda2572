// Replay and time travel build on read(): one client for all reads, never long-polling (the end returns []).
import type { Consumer } from '@platformatic/kafka';
import { DEFAULT_READ_MAX, type LogRecord, type ReadOptions } from '../event-log.ts';
import { isStaleMetadata } from './errors.ts';
import { fetchPartitions } from './fetch.ts';
import type { TopicCatalog } from './topics.ts';

export type Read = (
  topic: string,
  partition: number,
  fromOffset: number,
  options?: ReadOptions,
) => Promise<LogRecord[]>;

export interface ReaderDeps {
  readonly consumer: Consumer;
  readonly catalog: TopicCatalog;
  readonly startOffset: (topic: string, partition: number) => Promise<number>;
  readonly maxBytesPerPartition: number;
}

/** A fetch decodes all it gets, so it is sized to the page; the broker still returns one whole batch at least. */
const BYTES_PER_WANTED_RECORD = 1024;
const MIN_FETCH_BYTES = 64 * 1024;

export function createReader(deps: ReaderDeps): Read {
  // One at a time: two requests on one fetch session (KIP-227) make the broker reject one.
  let tail: Promise<unknown> = Promise.resolve();
  return (topic, partition, fromOffset, options) => {
    const result = tail.then(() => readNow(deps, topic, partition, fromOffset, options));
    tail = result.catch(() => undefined);
    return result;
  };
}

async function readNow(
  deps: ReaderDeps,
  topic: string,
  partition: number,
  fromOffset: number,
  options: ReadOptions = {},
): Promise<LogRecord[]> {
  const max = options.max ?? DEFAULT_READ_MAX;
  let stop = options.endOffset ?? Number.MAX_SAFE_INTEGER;
  let next = fromOffset;
  let refresh = false;
  let rewound = false;
  const records: LogRecord[] = [];
  while (records.length < max && next < stop) {
    const layout = await deps.catalog.layout(topic, refresh);
    const node = layout.leaders[partition];
    if (node === undefined) throw new Error(`Kafka topic ${topic} has no partition ${partition}`);
    let fetched;
    try {
      const answer = await fetchPartitions(deps.consumer, {
        topic,
        topicId: layout.id,
        node,
        partitions: [{ partition, offset: next }],
        maxWaitMs: 0,
        maxBytesPerPartition: Math.min(
          deps.maxBytesPerPartition,
          Math.max(MIN_FETCH_BYTES, (max - records.length) * BYTES_PER_WANTED_RECORD),
        ),
      });
      fetched = answer.get(partition);
    } catch (error) {
      if (refresh || !isStaleMetadata(error)) throw error;
      refresh = true; // the leader moved: once more with fresh metadata
      continue;
    }
    if (!fetched) break; // an incremental fetch session leaves out a partition with nothing new
    if (fetched.outOfRange) {
      const start = rewound ? next : await deps.startOffset(topic, partition);
      if (next >= start) break;
      next = start;
      rewound = true;
      continue;
    }
    stop = Math.min(stop, fetched.highWatermark);
    for (const record of fetched.records) {
      if (record.offset >= stop || records.length >= max) break;
      records.push(record);
    }
    if (fetched.next <= next) break;
    next = fetched.next;
  }
  return records;
}
