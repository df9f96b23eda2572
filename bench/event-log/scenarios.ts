// The measurements, each over the EventLog port only, so every adapter runs the very same code.
import type { AppendRecord, EventLog, LogRecord } from '../../src/log/event-log.ts';
import { runCalls, type RunResult } from '../lib/run.ts';
import { summarize } from '../lib/stats.ts';

const STALL_MS = 30_000;

export interface ConsumeResult extends RunResult {
  /** From subscribe() to the first batch: joining the group and the first fetch. */
  readonly firstBatchMs: number;
}

/** `records` in appends of `batch`, from `concurrency` callers. */
export function appendBatches(
  log: EventLog,
  topic: string,
  records: readonly AppendRecord[],
  batch: number,
  concurrency: number,
): Promise<RunResult> {
  return runCalls(Math.ceil(records.length / batch), concurrency, async (i) => {
    const slice = records.slice(i * batch, (i + 1) * batch);
    await log.append(topic, slice);
    return slice.length;
  });
}

/** One record per append() call. */
export function appendSingles(
  log: EventLog,
  topic: string,
  records: readonly AppendRecord[],
  concurrency: number,
): Promise<RunResult> {
  return runCalls(records.length, concurrency, async (i) => {
    await log.append(topic, [records[i] as AppendRecord]);
  });
}

/**
 * One member of a new consumer group reads the topic from the earliest offset until it has been
 * handed at least `total` records (every batch is committed, as the EventLog contract says). Throughput counts
 * from the first batch, so joining the group is reported apart.
 */
export async function consumeBySubscribe(
  log: EventLog,
  topic: string,
  group: string,
  total: number,
  maxBatch: number,
): Promise<ConsumeResult> {
  let delivered = 0;
  let batches = 0;
  let firstAt = 0;
  const subscribed = performance.now();
  let finish = (): void => {};
  let fail = (_error: unknown): void => {};
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  let lastAt = 0;
  // A consumer that stops getting records (a miscounted total, a stuck subscription) fails the run.
  const watchdog = setInterval(() => {
    const since = performance.now() - (lastAt || subscribed);
    if (since > STALL_MS) fail(new Error(`no records for ${STALL_MS} ms after ${delivered} of ${total}`));
  }, 1_000);
  const subscription = await log.subscribe({
    group,
    topic,
    from: 'earliest',
    maxBatch,
    onError: (error) => fail(error),
    async onBatch(batch) {
      if (batches++ === 0) firstAt = performance.now();
      delivered += batch.records.length;
      lastAt = performance.now();
      if (delivered >= total) finish();
    },
  });
  try {
    await done;
  } finally {
    clearInterval(watchdog);
    await subscription.close();
  }
  const elapsedMs = lastAt - firstAt;
  return {
    calls: batches,
    units: delivered,
    elapsedMs,
    perSecond: (delivered / elapsedMs) * 1000,
    latency: summarize([]),
    firstBatchMs: firstAt - subscribed,
  };
}

/**
 * Every partition read from its start in pages of `page`, the partitions side by side, until `limit`
 * records in all (each partition gives its share); latency is per read() call (one page).
 */
export async function readAll(log: EventLog, topic: string, page: number, limit = Infinity): Promise<RunResult> {
  const offsets = await log.offsets(topic);
  const total = offsets.reduce((sum, { start, end }) => sum + end - start, 0);
  const share = Math.min(1, limit / Math.max(1, total));
  const pages: number[] = [];
  const run = await runCalls(offsets.length, offsets.length, async (i) => {
    const { partition, start, end: last } = offsets[i] as (typeof offsets)[number];
    const end = start + Math.ceil((last - start) * share);
    let next = start;
    let count = 0;
    while (next < end) {
      const started = performance.now();
      const records: LogRecord[] = await log.read(topic, partition, next, { max: page, endOffset: end });
      pages.push(performance.now() - started);
      if (records.length === 0) throw new Error(`read stopped at ${topic}/${partition}@${next} before ${end}`);
      count += records.length;
      next = (records.at(-1) as LogRecord).offset + 1;
    }
    return count;
  });
  return { ...run, calls: pages.length, latency: summarize(pages) };
}
