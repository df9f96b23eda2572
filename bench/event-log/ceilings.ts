// What the broker takes from other clients on the same machine, so the adapter's numbers have a
// reference: Kafka's own ProducerPerformance (the Java client, from the broker's jars) and kafkajs
// (a peer Node client), and the library the adapter wraps, @platformatic/kafka, used directly.
import { spawn } from 'node:child_process';
import { zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import { Producer, stringSerializers } from '@platformatic/kafka';
import kafkajs from 'kafkajs';
import { partitionFor } from '../../src/log/partitioner.ts';
import type { AppendRecord } from '../../src/log/event-log.ts';
import { KAFKA_LIBS } from '../lib/machine.ts';
import { runCalls, type RunResult } from '../lib/run.ts';

// CommonJS: its named exports are not visible to an ES module import.
const { CompressionCodecs, CompressionTypes, Kafka, Partitioners, logLevel } = kafkajs;

export interface ProducerPerformanceResult {
  readonly records: number;
  readonly perSecond: number;
  readonly mbPerSecond: number;
  /** Per record, from send() to its acknowledgement: queueing in the producer included. */
  readonly avgMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly command: string;
}

export interface ProducerPerformanceOptions {
  readonly brokers: string;
  readonly topic: string;
  readonly records: number;
  /** Random payloads of this size (the tool's own) … */
  readonly recordSize?: number;
  /** … or payloads drawn at random from the lines of this file. */
  readonly payloadFile?: string;
}

/** Runs org.apache.kafka.tools.ProducerPerformance (acks=all, linger 5 ms, zstd, idempotent; no keys). */
export async function producerPerformance(options: ProducerPerformanceOptions): Promise<ProducerPerformanceResult> {
  const args = [
    '-cp',
    `${KAFKA_LIBS}/*`,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    options.topic,
    '--num-records',
    String(options.records),
    ...(options.payloadFile
      ? ['--payload-file', options.payloadFile]
      : ['--record-size', String(options.recordSize ?? 600)]),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${options.brokers}`,
    'acks=all',
    'linger.ms=5',
    'compression.type=zstd',
    'enable.idempotence=true',
  ];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`ProducerPerformance exited ${code}:\n${out}`)),
    );
  });
  // "300000 records sent, 61614.3 records/sec (35.26 MB/sec), 601.97 ms avg latency, 944.00 ms max latency,
  //  645 ms 50th, 862 ms 95th, 912 ms 99th, 930 ms 99.9th."
  const summary = output.match(
    /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th/,
  );
  if (!summary) throw new Error(`no summary line in ProducerPerformance's output:\n${output}`);
  const n = (i: number) => Number(summary[i]);
  return {
    records: n(1),
    perSecond: n(2),
    mbPerSecond: n(3),
    avgMs: n(4),
    maxMs: n(5),
    p50Ms: n(6),
    p95Ms: n(7),
    p99Ms: n(8),
    command: `java ${args.map((a) => (a.includes('*') ? `'${a}'` : a)).join(' ')}`,
  };
}

// kafkajs has gzip only built in; zstd, as the others use, comes from node:zlib.
CompressionCodecs[CompressionTypes.ZSTD] = () => ({
  compress: async (encoder: { buffer: Buffer }) => zstdCompressSync(encoder.buffer),
  decompress: async (buffer: Buffer) => zstdDecompressSync(buffer),
});

/**
 * The same records through kafkajs: an idempotent producer (acks -1, one request in flight per
 * broker, as kafkajs requires for idempotence), its murmur2 default partitioner, zstd, one send() per
 * batch from `concurrency` callers.
 */
export async function kafkajsProduce(
  brokers: string[],
  topic: string,
  records: readonly AppendRecord[],
  batch: number,
  concurrency: number,
): Promise<RunResult> {
  const kafka = new Kafka({ clientId: 'bss-bench-kafkajs', brokers, logLevel: logLevel.ERROR });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    const messages = records.map((r) => ({
      key: r.key,
      value: r.value,
      timestamp: String(r.timestamp ?? Date.now()),
      ...(r.headers ? { headers: { ...r.headers } } : {}),
    }));
    const send = (slice: typeof messages) =>
      producer.send({ topic, acks: -1, compression: CompressionTypes.ZSTD, messages: slice });
    await send(messages.slice(0, batch)); // metadata and producer id, outside the timing
    return await runCalls(Math.ceil(messages.length / batch), concurrency, async (i) => {
      const slice = messages.slice(i * batch, (i + 1) * batch);
      await send(slice);
      return slice.length;
    });
  } finally {
    await producer.disconnect();
  }
}

/**
 * The same records through the library under the adapter, used directly: one idempotent Producer
 * (acks all, zstd, the adapter's partitions), one send() per batch from `concurrency` callers, so up
 * to `concurrency` requests are in flight. The adapter sends one request at a time to keep call
 * order; the difference between the two is what that costs.
 */
export async function platformaticProduce(
  brokers: string[],
  topic: string,
  records: readonly AppendRecord[],
  batch: number,
  concurrency: number,
  partitions: number,
): Promise<RunResult> {
  const producer = new Producer({
    clientId: 'bss-bench-platformatic',
    bootstrapBrokers: brokers,
    idempotent: true,
    compression: 'zstd',
    serializers: stringSerializers,
  });
  try {
    const messages = records.map((r) => ({
      topic,
      key: r.key,
      value: r.value,
      partition: partitionFor(r.key, partitions),
      timestamp: BigInt(r.timestamp ?? Date.now()),
      ...(r.headers ? { headers: { ...r.headers } } : {}),
    }));
    await producer.send({ messages: messages.slice(0, batch) }); // metadata and producer id, outside the timing
    return await runCalls(Math.ceil(messages.length / batch), concurrency, async (i) => {
      const slice = messages.slice(i * batch, (i + 1) * batch);
      await producer.send({ messages: slice });
      return slice.length;
    });
  } finally {
    await producer.close();
  }
}
