// The event-log benchmark: append (batched and single), subscribe and read throughput and latency of
// each EventLog adapter on the real services, next to what Kafka's own ProducerPerformance and
// kafkajs get from the same broker. Run it with `npm run bench -- event-log` (bench/run.sh).
//
//   node bench/event-log.bench.ts [--only pglite,postgres,kafka,ceilings] [--scale 0.1]
//
// Prints a table, writes bench/results/event-log-<date>.json and refreshes the measured section of
// bench/results/EVENT-LOG.md.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { EVENT_CATALOG } from '../src/events/catalog.ts';
import { createEventCodec } from '../src/events/codec.ts';
import type { AppendRecord } from '../src/log/event-log.ts';
import { partitionFor } from '../src/log/partitioner.ts';
import { openAdapter, type AdapterName, type OpenedLog } from './event-log/adapters.ts';
import { kafkajsProduce, producerPerformance } from './event-log/ceilings.ts';
import { appendBatches, appendSingles, consumeBySubscribe, readAll } from './event-log/scenarios.ts';
import { bssEvents } from './lib/bss-events.ts';
import { startCpu, waitForQuiet, type CpuTarget } from './lib/cpu.ts';
import { kafkaVersion, machineInfo, requireEnv, uniqueName } from './lib/machine.ts';
import { RESULTS_DIR, markdownTable, ms, rate, replaceSection, writeJsonResult } from './lib/report.ts';
import { timeUnits, type RunResult } from './lib/run.ts';

const PARTITIONS = 12;
const BATCH = 500;
const APPENDERS = 4;
const WARM_UP = 2_000;
/** Events appended in batches, per adapter: each adapter's run takes tens of seconds. */
const EVENTS: Record<AdapterName, number> = { pglite: 50_000, postgres: 200_000, kafka: 300_000 };
/** Single-record appends at concurrency 1 and 16. */
const SINGLES: Record<AdapterName, [number, number]> = {
  pglite: [2_000, 4_000],
  postgres: [2_000, 8_000],
  kafka: [1_000, 8_000],
};
const CEILING_EVENTS = 300_000;

const { values: args } = parseArgs({
  options: { only: { type: 'string' }, scale: { type: 'string', default: '1' } },
});
const only = new Set(args.only?.split(',') ?? ['pglite', 'postgres', 'kafka', 'ceilings']);
const scale = Number(args.scale);
const scaled = (n: number) => Math.max(BATCH, Math.round(n * scale));

interface Row {
  readonly adapter: string;
  readonly measurement: string;
  readonly events: number;
  readonly perSecond: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly note?: string;
  /** % of one core: this process (and its children), the server, everything else on the machine. */
  readonly cpu?: { bench: number; server?: number; other: number };
  readonly detail?: unknown;
}
const rows: Row[] = [];

/** Runs one measurement once the machine is quiet, with CPU accounting, and records its row. */
async function measure(
  adapter: string,
  measurement: string,
  server: CpuTarget | undefined,
  work: () => Promise<RunResult | (RunResult & { firstBatchMs: number })>,
  note = (_: RunResult) => '',
): Promise<RunResult> {
  await waitForQuiet();
  const targets: Record<string, CpuTarget> = { bench: { pid: process.pid, withChildren: true } };
  if (server) targets['server'] = server;
  const stop = startCpu(targets);
  const result = await work();
  const cpu = stop();
  const bench = cpu['bench'] ?? 0;
  const serverCpu = cpu['server'];
  const row: Row = {
    adapter,
    measurement,
    events: result.units,
    perSecond: result.perSecond,
    ...(result.latency.count > 1 ? { p50Ms: result.latency.p50Ms, p99Ms: result.latency.p99Ms } : {}),
    note: note(result),
    cpu: {
      bench,
      ...(serverCpu === undefined ? {} : { server: serverCpu }),
      other: Math.max(0, (cpu['machine'] ?? 0) - bench - (serverCpu ?? 0)),
    },
    detail: result,
  };
  rows.push(row);
  console.log(`${adapter.padEnd(10)} ${measurement.padEnd(28)} ${rate(row.perSecond).padStart(9)} ev/s  ${row.note}`);
  return result;
}

// ---- the workload: real BSS events through the codec, generated once, the same for every adapter
const largest = Math.max(
  ...(['pglite', 'postgres', 'kafka'] as const).filter((a) => only.has(a)).map((a) => EVENTS[a]),
  0,
);
const needed = scaled(Math.max(largest, only.has('ceilings') ? CEILING_EVENTS : 0)) + WARM_UP + 8_000;
const source = bssEvents();
let records: AppendRecord[] = [];
const generated = await timeUnits(async () => (records = source.take(needed)).length);
const valueBytes = records.map((r) => Buffer.byteLength(r.value));
const workload = {
  description: source.description,
  events: records.length,
  valueBytes: stats(valueBytes),
  keyBytes: Buffer.byteLength(records[0]?.key ?? ''),
  partitions: PARTITIONS,
  /** Events in the busiest partition / the mean: how unevenly Zipf and murmur2 spread the load. */
  partitionSkew: skew(records),
  mix: mixOf(records.slice(0, 50_000)),
};
console.log(`workload: ${records.length} events, ${workload.description}, value ${workload.valueBytes.mean} B mean`);

const codec = createEventCodec(EVENT_CATALOG);
rows.push({
  adapter: 'codec',
  measurement: 'encode (validate + JSON)',
  events: generated.units,
  perSecond: generated.perSecond,
  note: 'includes generating the events',
});
const decoded = await timeUnits(async () => {
  const sample = records.slice(0, 50_000);
  for (const record of sample) if (!codec.decode(record).ok) throw new Error('a generated record does not decode');
  return sample.length;
});
rows.push({
  adapter: 'codec',
  measurement: 'decode (parse + validate)',
  events: decoded.units,
  perSecond: decoded.perSecond,
  note: 'what every consumer pays per event',
});

// ---- the adapters
const versions: Record<string, string> = {};
for (const name of ['pglite', 'postgres', 'kafka'] as const) {
  if (!only.has(name)) continue;
  const opened = await openAdapter(name);
  versions[name] = opened.version;
  try {
    await benchAdapter(name, opened);
  } finally {
    await opened.cleanup();
  }
}

async function benchAdapter(name: AdapterName, opened: OpenedLog): Promise<void> {
  const { log, server } = opened;
  const topic = uniqueName('bench-events');
  opened.track('topic', topic);
  await log.ensureTopic(topic, { partitions: PARTITIONS });
  const n = scaled(EVENTS[name]);
  const [single1, single16] = SINGLES[name].map((s) => Math.max(100, Math.round(s * scale))) as [number, number];
  let cursor = 0;
  const take = (count: number) => records.slice(cursor, (cursor += count));
  await appendBatches(log, topic, take(WARM_UP), BATCH, APPENDERS); // connections, JIT, metadata

  const batches = take(n);
  await measure(name, `append ${BATCH}/call ×${APPENDERS}`, server, () =>
    appendBatches(log, topic, batches, BATCH, APPENDERS),
  );
  const ones = take(single1);
  await measure(name, 'append 1/call ×1', server, () => appendSingles(log, topic, ones, 1));
  const sixteens = take(single16);
  await measure(name, 'append 1/call ×16', server, () => appendSingles(log, topic, sixteens, 16));

  const group = uniqueName('bench-group');
  opened.track('group', group);
  await measure(
    name,
    'subscribe, 1 member',
    server,
    () => consumeBySubscribe(log, topic, group, cursor, BATCH),
    (r) => `first batch after ${Math.round((r as RunResult & { firstBatchMs: number }).firstBatchMs)} ms`,
  );
  await measure(
    name,
    `read ${PARTITIONS} partitions`,
    server,
    () => readAll(log, topic, 5_000),
    () => 'pages of 5,000',
  );
}

// ---- the ceilings: other clients, same broker, same machine
const ceilingCommands: string[] = [];
if (only.has('ceilings')) {
  const kafka = await openAdapter('kafka');
  versions['kafka'] ??= kafka.version;
  const brokers = requireEnv('BSS_KAFKA_BROKERS');
  const n = scaled(CEILING_EVENTS);
  try {
    const newTopic = async () => {
      const topic = uniqueName('bench-ceiling');
      kafka.track('topic', topic);
      await kafka.log.ensureTopic(topic, { partitions: PARTITIONS });
      return topic;
    };
    const performance = async (label: string, options: { recordSize?: number; payloadFile?: string }) => {
      const topic = await newTopic();
      let command = '';
      await measure(
        'ceiling',
        label,
        kafka.server,
        async () => {
          const result = await producerPerformance({ brokers, topic, records: n, ...options });
          command = result.command;
          return {
            calls: result.records,
            units: result.records,
            elapsedMs: (result.records / result.perSecond) * 1000,
            perSecond: result.perSecond,
            latency: {
              count: result.records,
              meanMs: result.avgMs,
              p50Ms: result.p50Ms,
              p99Ms: result.p99Ms,
              maxMs: result.maxMs,
            },
          };
        },
        () => 'latency per record, queueing included',
      );
      return command;
    };
    const payloadFile = `${tmpdir()}/bss-bench-payloads.txt`;
    writeFileSync(
      payloadFile,
      records
        .slice(0, 10_000)
        .map((r) => r.value)
        .join('\n'),
    );
    ceilingCommands.push(await performance('ProducerPerformance, 600 B', { recordSize: 600 }));
    ceilingCommands.push(await performance('ProducerPerformance, BSS values', { payloadFile }));
    const topic = await newTopic();
    const batchRecords = records.slice(0, n);
    await measure('ceiling', `kafkajs ${BATCH}/send ×${APPENDERS}`, kafka.server, () =>
      kafkajsProduce(brokers.split(','), topic, batchRecords, BATCH, APPENDERS),
    );
  } finally {
    await kafka.cleanup();
  }
}

// ---- the report
const date = new Date();
const info = machineInfo({ ...versions, ...(versions['kafka'] ? {} : { kafka: kafkaVersion() }) });
const command = `npm run bench -- event-log${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
const cpuCell = (row: Row) => (row.cpu ? `${row.cpu.bench} / ${row.cpu.server ?? '–'} / ${row.cpu.other}` : '');
const table = markdownTable(
  ['adapter', 'measurement', 'events', 'events/s', 'p50 ms', 'p99 ms', 'CPU % bench/server/other', 'note'],
  rows.map((row) => ({
    adapter: row.adapter,
    measurement: row.measurement,
    events: rate(row.events),
    'events/s': rate(row.perSecond),
    'p50 ms': ms(row.p50Ms),
    'p99 ms': ms(row.p99Ms),
    'CPU % bench/server/other': cpuCell(row),
    note: row.note,
  })),
);
console.log(`\n${table}\n`);

const file = writeJsonResult(
  'event-log',
  {
    date: date.toISOString(),
    command,
    machine: info,
    workload,
    settings: {
      partitions: PARTITIONS,
      batch: BATCH,
      appenders: APPENDERS,
      warmUp: WARM_UP,
      events: EVENTS,
      singles: SINGLES,
      scale,
    },
    ceilingCommands,
    rows,
  },
  date,
);
console.log(`results: ${file}`);

const v = info.versions;
replaceSection(
  `${RESULTS_DIR}/EVENT-LOG.md`,
  'measured',
  `Measured ${date.toISOString().slice(0, 16).replace('T', ' ')} UTC with \`${command}\` (raw: \`${file.slice(file.indexOf('bench/results/'))}\`).

Machine: ${info.cpus} CPUs (${info.cpuModel}), ${info.memoryGiB} GiB, ${info.os}; Node ${info.node}; ${Object.values(v).join('; ')}.

Workload: ${workload.events.toLocaleString('en-US')} BSS events from the codec, ${workload.description}; value ${workload.valueBytes.mean} B mean (${workload.valueBytes.min}–${workload.valueBytes.max}), key ${workload.keyBytes} B, one \`content-type\` header; ${PARTITIONS} partitions, busiest partition ${workload.partitionSkew}× the mean; mix ${Object.entries(
    workload.mix,
  )
    .map(([type, share]) => `${type} ${share}%`)
    .join(', ')}.

${table}
${ceilingCommands.length ? `\nCeiling commands:\n\n${ceilingCommands.map((c) => `    ${c}`).join('\n')}\n` : ''}`,
);

function stats(values: number[]) {
  let [sum, min, max] = [0, Infinity, 0];
  for (const v of values) [sum, min, max] = [sum + v, Math.min(min, v), Math.max(max, v)];
  return { mean: Math.round(sum / Math.max(1, values.length)), min, max };
}

function skew(all: readonly AppendRecord[]): number {
  const counts = new Array<number>(PARTITIONS).fill(0);
  for (const r of all) counts[partitionFor(r.key, PARTITIONS)]! += 1;
  return Math.round((Math.max(...counts) / (all.length / PARTITIONS)) * 100) / 100;
}

function mixOf(all: readonly AppendRecord[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const r of all) {
    const type = (JSON.parse(r.value) as { type: string }).type.replace(/^com\.droid\.bss\.|\.v1$/g, '');
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].map(([type, count]) => [type, Math.round((count / all.length) * 1000) / 10]));
}
