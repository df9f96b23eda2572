// What zstd costs and saves per Kafka partition batch (src/log/kafka/producer.ts, BSS_KAFKA_COMPRESS_MIN_BYTES):
// real BSS events (bench/lib/bss-events.ts) in batches of 1 to 1,000 records, compressed and decompressed as
// @platformatic/kafka does it (one zstd call per partition batch); CPU µs per batch of this process.
//
//   node bench/kafka-compression.bench.ts [--batches 2000] [--tag NAME]
import { parseArgs } from 'node:util';
import { compressionsAlgorithms } from '@platformatic/kafka';
import { bssEvents } from './lib/bss-events.ts';
import { machineInfo, REPO } from './lib/machine.ts';
import { markdownTable, replaceSection, RESULTS_DIR, writeJsonResult } from './lib/report.ts';

const { values } = parseArgs({
  options: { batches: { type: 'string', default: '2000' }, tag: { type: 'string' } },
});
const batches = Number(values.batches);
const zstd = compressionsAlgorithms.zstd;
const source = bssEvents();

/** CPU µs per call of fn over `inputs`, after a warm-up pass. */
function cpuUsPerCall(inputs: readonly Buffer[], fn: (input: Buffer) => unknown): number {
  for (const input of inputs.slice(0, 50)) fn(input);
  const start = process.cpuUsage();
  for (const input of inputs) fn(input);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / inputs.length;
}

const results = [];
for (const records of [1, 2, 5, 10, 20, 50, 100, 1000]) {
  const count = Math.max(20, Math.round(batches / Math.sqrt(records)));
  // Values as the log stores them, one after another, as in a record batch (framing aside).
  const raw = Array.from({ length: count }, () =>
    Buffer.from(
      source
        .take(records)
        .map((r) => r.key + r.value)
        .join(''),
    ),
  );
  const packed = raw.map((b) => zstd.compressSync(b) as Buffer);
  const bytes = raw.reduce((s, b) => s + b.length, 0) / count;
  const compressed = packed.reduce((s, b) => s + b.length, 0) / count;
  results.push({
    records,
    bytes: Math.round(bytes),
    compressedBytes: Math.round(compressed),
    compressUs: cpuUsPerCall(raw, (b) => zstd.compressSync(b)),
    decompressUs: cpuUsPerCall(packed, (b) => zstd.decompressSync(b)),
  });
}

const name = values.tag ? `kafka-compression-${values.tag}` : 'kafka-compression';
const file = writeJsonResult(name, { date: new Date().toISOString(), machine: machineInfo(), batches, results });
const table = markdownTable(
  [
    'records per partition batch',
    'bytes',
    'zstd bytes',
    'saved bytes',
    'compress µs',
    'decompress µs',
    'µs per saved KiB',
  ],
  results.map((r) => ({
    'records per partition batch': r.records,
    bytes: r.bytes,
    'zstd bytes': r.compressedBytes,
    'saved bytes': r.bytes - r.compressedBytes,
    'compress µs': r.compressUs.toFixed(1),
    'decompress µs': r.decompressUs.toFixed(1),
    // One producer and, per reading group, one decompression: the cost of a KiB kept off disk and wire.
    'µs per saved KiB': ((r.compressUs + r.decompressUs) / ((r.bytes - r.compressedBytes) / 1024)).toFixed(1),
  })),
);
const text = `Run ${new Date().toISOString()} — \`node bench/kafka-compression.bench.ts ${process.argv.slice(2).join(' ')}\` (real BSS events, one zstd call per partition batch as the Kafka client makes it, CPU of this process) — JSON: \`${file.replace(REPO, '')}\`\n\n${table}\n`;
replaceSection(`${RESULTS_DIR}/EVENT-LOG.md`, name, text);
process.stdout.write(`${text}\n`);
