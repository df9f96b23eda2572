// Appends are gathered for lingerMs and sent one request at a time, so they reach the log in call order.
import type { CompressionAlgorithmValue, MessageToProduce, Producer } from '@platformatic/kafka';
import type { AppendRecord, RecordPosition } from '../event-log.ts';
import { partitionFor } from '../partitioner.ts';

type Message = MessageToProduce<string, string, string, string>;

/** @platformatic/dynamic-buffer 0.3.x encodes 64-bit varints with `>> 31n`: deltas ≥ 2^31 ms come back wrong. */
export const MAX_TIMESTAMP_SPAN_MS = 2 ** 31 - 1;

interface Chunk {
  readonly messages: Message[];
  readonly bytes: number;
  readonly minTs: number;
  readonly maxTs: number;
  readonly queuedAt: number;
  readonly append: { failed: boolean };
  resolve(positions: RecordPosition[]): void;
  reject(error: unknown): void;
}

export interface AppenderOptions {
  readonly lingerMs: number;
  readonly maxBatchBytes: number;
  readonly compression: CompressionAlgorithmValue;
  /** Partition batches smaller than this on average go uncompressed (bench/kafka-compression.bench.ts). */
  readonly compressMinBytes: number;
}

export interface Appender {
  append(topic: string, records: readonly AppendRecord[]): Promise<RecordPosition[]>;
  flush(): Promise<void>;
}

const RECORD_OVERHEAD_BYTES = 24; // framing on top of key, value and headers, roughly

export function createAppender(
  producer: Producer<string, string, string, string>,
  partitionCount: (topic: string) => Promise<number>,
  options: AppenderOptions,
): Appender {
  const queue: Chunk[] = [];
  let queuedBytes = 0;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;

  const schedule = (): void => {
    if (inFlight || queue.length === 0) return; // the request in flight reschedules when answered
    clearTimeout(timer);
    const waited = Date.now() - (queue[0] as Chunk).queuedAt;
    const full = queuedBytes >= options.maxBatchBytes;
    timer = setTimeout(sendQueued, full ? 0 : Math.max(0, options.lingerMs - waited));
  };

  const sendQueued = (): void => {
    timer = undefined;
    if (inFlight) return;
    const { taken, removedBytes } = takeBatch(queue, options.maxBatchBytes);
    queuedBytes -= removedBytes;
    if (taken.length === 0) return;
    inFlight = send(taken).finally(() => {
      inFlight = undefined;
      schedule();
    });
  };

  const send = async (chunks: Chunk[]): Promise<void> => {
    let positions: RecordPosition[][];
    try {
      const messages = chunks.flatMap((c) => c.messages);
      const bytes = chunks.reduce((sum, c) => sum + c.bytes, 0);
      const compression = compressionFor(messages, bytes, options);
      const result = await producer.send({ messages, compression });
      positions = positionsOf(chunks, result.offsets ?? []);
    } catch (error) {
      for (const chunk of chunks) {
        chunk.append.failed = true;
        chunk.reject(error);
      }
      return;
    }
    chunks.forEach((chunk, i) => chunk.resolve(positions[i] ?? []));
  };

  const enqueue = (messages: Message[], bytes: number, append: Chunk['append']): Promise<RecordPosition[]> =>
    new Promise((resolve, reject) => {
      const stamps = messages.map((m) => Number(m.timestamp));
      const minTs = Math.min(...stamps);
      const maxTs = Math.max(...stamps);
      queue.push({ messages, bytes, minTs, maxTs, queuedAt: Date.now(), append, resolve, reject });
      queuedBytes += bytes;
      schedule();
    });

  return {
    async append(topic, records) {
      if (records.length === 0) return [];
      const partitions = await partitionCount(topic);
      const append = { failed: false };
      const parts = splitRecords(topic, records, partitions, Date.now(), options.maxBatchBytes).map((part) =>
        enqueue(part.messages, part.bytes, append),
      );
      return (await Promise.all(parts)).flat();
    },

    async flush() {
      while (queue.length > 0 || inFlight) {
        if (!inFlight) sendQueued();
        await inFlight;
      }
    },
  };
}

/** Each partition's records form one compressed batch; a small one costs more to (de)compress than it saves. */
export function compressionFor(
  messages: readonly Message[],
  bytes: number,
  options: Pick<AppenderOptions, 'compression' | 'compressMinBytes'>,
): CompressionAlgorithmValue {
  const partitions = new Set(messages.map((m) => `${m.topic}:${m.partition}`)).size;
  return bytes / Math.max(1, partitions) < options.compressMinBytes ? 'none' : options.compression;
}

/** Parts after a failed part of the same append are rejected, not written: that would break per-key order. */
function takeBatch(queue: Chunk[], maxBatchBytes: number): { taken: Chunk[]; removedBytes: number } {
  const taken: Chunk[] = [];
  let bytes = 0;
  let removedBytes = 0;
  let minTs = Infinity;
  let maxTs = -Infinity;
  while (queue.length > 0) {
    const next = queue[0] as Chunk;
    if (taken.length > 0 && bytes + next.bytes > maxBatchBytes) break;
    if (taken.length > 0 && Math.max(maxTs, next.maxTs) - Math.min(minTs, next.minTs) > MAX_TIMESTAMP_SPAN_MS) break;
    queue.shift();
    removedBytes += next.bytes;
    if (next.append.failed) next.reject(new Error('an earlier part of this append was not written'));
    else {
      taken.push(next);
      bytes += next.bytes;
      minTs = Math.min(minTs, next.minTs);
      maxTs = Math.max(maxTs, next.maxTs);
    }
  }
  return { taken, removedBytes };
}

function splitRecords(
  topic: string,
  records: readonly AppendRecord[],
  partitions: number,
  now: number,
  maxBatchBytes: number,
): { messages: Message[]; bytes: number }[] {
  const parts: { messages: Message[]; bytes: number }[] = [];
  let messages: Message[] = [];
  let bytes = 0;
  let minTs = Infinity;
  let maxTs = -Infinity;
  for (const record of records) {
    const size = sizeOf(record);
    const timestamp = Math.trunc(record.timestamp ?? now);
    const tooWide = Math.max(maxTs, timestamp) - Math.min(minTs, timestamp) > MAX_TIMESTAMP_SPAN_MS;
    if (messages.length > 0 && (bytes + size > maxBatchBytes || tooWide)) {
      parts.push({ messages, bytes });
      messages = [];
      bytes = 0;
      minTs = Infinity;
      maxTs = -Infinity;
    }
    minTs = Math.min(minTs, timestamp);
    maxTs = Math.max(maxTs, timestamp);
    messages.push({
      topic,
      key: record.key,
      value: record.value,
      partition: partitionFor(record.key, partitions),
      timestamp: BigInt(timestamp),
      ...(record.headers ? { headers: { ...record.headers } } : {}),
    });
    bytes += size;
  }
  parts.push({ messages, bytes });
  return parts;
}

/** Each partition's batch keeps request order, so its n-th message got base offset + n. */
function positionsOf(
  chunks: readonly Chunk[],
  bases: ReadonlyArray<{ topic: string; partition: number; offset: bigint }>,
): RecordPosition[][] {
  const next = new Map(bases.map((b) => [`${b.topic}:${b.partition}`, Number(b.offset)]));
  return chunks.map((chunk) =>
    chunk.messages.map(({ topic, partition = 0 }) => {
      const key = `${topic}:${partition}`;
      const offset = next.get(key);
      if (offset === undefined) throw new Error(`the produce response has no offset for ${key}`);
      next.set(key, offset + 1);
      return { partition, offset };
    }),
  );
}

function sizeOf(record: AppendRecord): number {
  let bytes = Buffer.byteLength(record.key) + Buffer.byteLength(record.value) + RECORD_OVERHEAD_BYTES;
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value) + 2;
  }
  return bytes;
}
