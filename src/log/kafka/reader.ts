// read(): a direct fetch of one partition from an offset, without a consumer group. It is the
// primitive replay and time travel build on, so it keeps one client (and its connections) for all
// reads and never long-polls: at the end of the log the broker answers at once and read returns [].
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
  /** Group-less: only its fetch is used. */
  readonly consumer: Consumer;
  readonly catalog: TopicCatalog;
  /** The first offset still in the log, for a read that starts before it. */
  readonly startOffset: (topic: string, partition: number) => Promise<number>;
  readonly maxBytesPerPartition: number;
}

/**
 * Bytes to ask for per record still wanted: a fetch decodes everything it gets, so it is sized to the
 * page. The broker still returns at least one whole batch, so a small guess never stalls a read.
 */
const BYTES_PER_WANTED_RECORD = 1024;
const MIN_FETCH_BYTES = 64 * 1024;

export function createReader(deps: ReaderDeps): Read {
  // Reads run one after another: the client keeps one incremental fetch session per broker
  // (KIP-227); two requests in flight on it make the broker reject one, which the client retries
  // only after retryDelay.
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
  // One fetch returns at most maxBytesPerPartition (but always at least one batch): repeat until
  // `max` records, `endOffset` or the end of the partition.
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
      // Before the first retained record: start at it. Beyond the end: nothing to read.
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
