// The replay benchmark: replay throughput at MAX (to the in-memory sandbox and to a no-op handler) and
// time travel (reconstructCustomer / reconstructSystem at the log's end), without and with state
// snapshots, over a log of valid per-customer histories (bench/replay/workload.ts) on the real
// services. Run it with `npm run bench -- replay` (bench/run.sh).
//
//   node bench/replay.bench.ts [--adapters kafka,postgres] [--events 1000000] [--customers 20000]
//                              [--every 10000] [--sample 5]
//
// Each (adapter, size) run replaces its rows in bench/results/replay-<date>.json (other sizes stay),
// then the table is printed and the measured section of bench/results/REPLAY.md is rewritten. The
// JSON is written after every measurement, so a run cut short keeps what it measured.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EVENT_CATALOG } from '../src/events/catalog.ts';
import { createEventCodec } from '../src/events/codec.ts';
import type { AppendRecord } from '../src/log/event-log.ts';
import { partitionFor } from '../src/log/partitioner.ts';
import {
  createSnapshotStore,
  createSnapshotter,
  reconstructCustomer,
  reconstructSystem,
  startReplay,
  type ReplayTarget,
} from '../src/replay/index.ts';
import { migrate } from '../src/store/migrate.ts';
import { createPostgresDb } from '../src/store/postgres-db.ts';
import { openAdapter, type AdapterName } from './event-log/adapters.ts';
import { startCpu, type CpuTarget } from './lib/cpu.ts';
import { machineInfo, requireEnv, uniqueName } from './lib/machine.ts';
import { RESULTS_DIR, markdownTable, ms, rate, replaceSection, writeJsonResult } from './lib/report.ts';
import { summarize } from './lib/stats.ts';
import { customerHistories } from './replay/workload.ts';

const PARTITIONS = 12;
const BATCH = 500;
const APPENDERS = 4;
const CHUNK = 40_000;
const MONTH_MS = 30 * 86_400_000;
const RANKS = [0, 10, 100, 1_000, 10_000, 19_999];

const { values: args } = parseArgs({
  options: {
    adapters: { type: 'string', default: 'kafka,postgres' },
    events: { type: 'string', default: '1000000' },
    customers: { type: 'string', default: '20000' },
    every: { type: 'string', default: '10000' },
    sample: { type: 'string', default: '5' },
    /**
     * Comma-separated: sandbox, noop (the replays), snapshots (snapshotter and the reconstructions with
     * snapshots), plain (the reconstructions without), system (reconstructSystem without snapshots).
     */
    skip: { type: 'string', default: '' },
  },
});
const adapters = (args.adapters ?? '').split(',').filter(Boolean) as AdapterName[];
const events = Number(args.events);
const customers = Number(args.customers);
const every = Number(args.every);
const skip = new Set((args.skip ?? '').split(',').filter(Boolean));
const ranks = RANKS.filter((r) => r < customers).slice(0, Number(args.sample));
const codec = createEventCodec(EVENT_CATALOG);
const command = `npm run bench -- replay${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;

interface Row {
  readonly adapter: string;
  readonly events: number;
  readonly measurement: string;
  readonly snapshots: 'no' | 'yes' | '';
  /** events/s for throughput rows. */
  readonly perSecond?: number;
  readonly p50Ms?: number;
  readonly maxMs?: number;
  /** Wall time of the whole measurement. */
  readonly totalMs: number;
  readonly cpu?: { bench: number; server?: number; other: number };
  readonly rssPeakMiB: number;
  readonly note: string;
  readonly detail?: unknown;
}

const date = new Date();
const jsonFile = `${RESULTS_DIR}/replay-${date.toISOString().slice(0, 10)}.json`;
interface Saved {
  rows: Row[];
  runs: Record<string, unknown>;
}
const saved: Saved = existsSync(jsonFile)
  ? (JSON.parse(readFileSync(jsonFile, 'utf8')) as Saved)
  : { rows: [], runs: {} };
const rows: Row[] = saved.rows.filter((r) => !(adapters.includes(r.adapter as AdapterName) && r.events === events));

const rssPeakMiB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

async function measure<T>(
  adapter: string,
  measurement: string,
  snapshots: Row['snapshots'],
  server: CpuTarget | undefined,
  work: () => Promise<T>,
  describe: (result: T, elapsedMs: number) => Partial<Row>,
): Promise<T> {
  const targets: Record<string, CpuTarget> = { bench: { pid: process.pid, withChildren: true } };
  if (server) targets['server'] = server;
  const stop = startCpu(targets);
  const started = performance.now();
  const result = await work();
  const elapsedMs = performance.now() - started;
  const { bench = 0, server: serverCpu, machine = 0 } = stop();
  const other = Math.max(0, machine - bench - (serverCpu ?? 0));
  const row: Row = {
    adapter,
    events,
    measurement,
    snapshots,
    totalMs: elapsedMs,
    cpu: { bench, ...(serverCpu === undefined ? {} : { server: serverCpu }), other },
    rssPeakMiB: rssPeakMiB(),
    note: '',
    ...describe(result, elapsedMs),
  };
  rows.push(row);
  console.log(
    `${adapter.padEnd(8)} ${rate(events).padStart(10)} ${measurement.padEnd(34)} ${snapshots.padEnd(3)} ${valueCell(row).padStart(14)}  ${(row.totalMs / 1000).toFixed(1)} s  cpu ${cpuCell(row)}  rss ${row.rssPeakMiB} MiB  ${row.note}`,
  );
  report(false);
  return result;
}

function valueCell(row: Row): string {
  if (row.perSecond !== undefined) return `${rate(row.perSecond)} ev/s`;
  if (row.p50Ms !== undefined) return `${ms(row.p50Ms)} / ${ms(row.maxMs)} ms`;
  return `${(row.totalMs / 1000).toFixed(2)} s`;
}

function cpuCell(row: Row): string {
  return row.cpu ? `${row.cpu.bench} / ${row.cpu.server ?? '–'} / ${row.cpu.other}` : '';
}

const versions: Record<string, string> = {};

function report(final: boolean, remark = ''): void {
  const info = machineInfo(versions);
  saved.runs[`${adapters.join('+')}@${events}`] = { date: date.toISOString(), command, customers, every, ranks };
  writeJsonResult('replay', { date: date.toISOString(), machine: info, ...saved, rows }, date);
  if (!final) return;
  const table = tableOf(rows);
  console.log(`\n${table}\n\nresults: ${jsonFile}`);
  const v = info.versions;
  replaceSection(
    `${RESULTS_DIR}/REPLAY.md`,
    'measured',
    `Last run ${date.toISOString().slice(0, 16).replace('T', ' ')} UTC: \`${command}\` (raw: \`bench/results/replay-${date.toISOString().slice(0, 10)}.json\`, every run of the day).

Machine: ${info.cpus} CPUs (${info.cpuModel}), ${info.memoryGiB} GiB, ${info.os}; Node ${info.node}; ${Object.values(v).join('; ')}.
${remark ? `\n${remark}\n` : ''}
${table}`,
  );
}

function tableOf(all: readonly Row[]): string {
  return markdownTable(
    [
      'log',
      'events',
      'measurement',
      'snapshots',
      'result',
      'wall s',
      'CPU % bench/server/other',
      'RSS peak MiB',
      'note',
    ],
    all.map((row) => ({
      log: row.adapter,
      events: rate(row.events),
      measurement: row.measurement,
      snapshots: row.snapshots,
      result: valueCell(row),
      'wall s': (row.totalMs / 1000).toFixed(1),
      'CPU % bench/server/other': cpuCell(row),
      'RSS peak MiB': row.rssPeakMiB,
      note: row.note,
    })),
  );
}

// Stopped from outside (a time box): still delete the topic and drop the schemas.
let cleanup: (() => Promise<void>) | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`${signal}: cleaning up`);
    void (cleanup?.() ?? Promise.resolve()).finally(() => {
      report(true, `stopped by ${signal}: the rows above are what was measured before`);
      process.exit(130);
    });
  });
}

for (const name of adapters) {
  const opened = await openAdapter(name);
  versions[name] = opened.version;
  const url = requireEnv('BSS_DATABASE_URL');
  const snapshotSchema = uniqueName('bench_replay_snap').replaceAll('-', '_');
  const snapshotDb = await createPostgresDb({ url, schema: snapshotSchema, maxConnections: 4 });
  cleanup = async () => {
    cleanup = undefined;
    await opened.cleanup().catch((error: unknown) => console.error('cleanup:', error));
    await snapshotDb.query(`DROP SCHEMA "${snapshotSchema}" CASCADE`).catch(() => undefined);
    await snapshotDb.close();
  };
  try {
    await migrate(snapshotDb);
    const topic = uniqueName('bench-replay');
    opened.track('topic', topic);
    await opened.log.ensureTopic(topic, { partitions: PARTITIONS, retentionMs: -1 });
    const startMs = Date.now() - MONTH_MS;
    const source = customerHistories({ customers, events, startMs, spanMs: MONTH_MS });
    const server = opened.server;
    let lastTs = startMs;

    // ---- fill: valid histories, generated in chunks, appended in batches of 500 by 4 appenders that
    // each own a third… a quarter of the partitions (so a customer's events keep their order)
    let generateMs = 0;
    await measure(
      name,
      'fill (generate + append)',
      '',
      server,
      async () => {
        let bytes = 0;
        for (;;) {
          const t = performance.now();
          const chunk = source.take(CHUNK);
          generateMs += performance.now() - t;
          if (chunk.length === 0) break;
          lastTs = chunk.at(-1)?.timestamp ?? lastTs;
          const groups: AppendRecord[][] = Array.from({ length: APPENDERS }, () => []);
          for (const record of chunk) {
            bytes += record.value.length;
            groups[partitionFor(record.key, PARTITIONS) % APPENDERS]?.push(record);
          }
          await Promise.all(
            groups.map(async (group) => {
              for (let i = 0; i < group.length; i += BATCH) await opened.log.append(topic, group.slice(i, i + BATCH));
            }),
          );
          if (source.generated % 1_000_000 === 0) {
            console.log(`  filled ${rate(source.generated)} (${Math.round(performance.now() / 1000)} s)`);
          }
        }
        return bytes;
      },
      (bytes, elapsedMs) => ({
        perSecond: (events / elapsedMs) * 1000,
        note: `generation ${(generateMs / 1000).toFixed(0)} s of it (${rate((events / generateMs) * 1000)} ev/s); append alone ≈ ${rate((events / (elapsedMs - generateMs)) * 1000)} ev/s; ${Math.round(bytes / events)} B/event`,
        detail: { generateMs, bytes, mix: { ...source.mix }, description: source.description },
      }),
    );
    const ends = await opened.log.offsets(topic);
    const counts = ends.map((p) => p.end);
    const total = counts.reduce((a, b) => a + b, 0);
    if (total !== events) throw new Error(`log holds ${total} events, expected ${events}`);
    console.log(
      `  ${source.description}; partitions ${counts.join(' ')}; mix ${Object.entries(source.mix)
        .map(([t, c]) => `${t} ${((c / events) * 100).toFixed(1)}%`)
        .join(', ')}`,
    );

    // ---- replay at MAX
    const replay = async (target: ReplayTarget) => {
      const run = startReplay({ log: opened.log, codec }, { topic, target, speed: 'MAX', pageSize: 1000 });
      const done = await run.done;
      if (done.status !== 'COMPLETED' || done.delivered !== events) {
        throw new Error(`replay ${done.status}: ${done.delivered} delivered, ${JSON.stringify(done).slice(0, 400)}`);
      }
      return { delivered: done.delivered, views: run.views().size };
    };
    if (!skip.has('sandbox'))
      await measure(
        name,
        'replay MAX → sandbox',
        '',
        server,
        () => replay({ kind: 'sandbox' }),
        (r, elapsedMs) => ({
          perSecond: (r.delivered / elapsedMs) * 1000,
          note: `${rate(r.views)} customer views; sandbox merges partitions by time (one reader)`,
        }),
      );
    let handled = 0;
    if (!skip.has('noop'))
      await measure(
        name,
        'replay MAX → no-op handler',
        '',
        server,
        () =>
          replay({
            kind: 'handlers',
            handlers: [{ name: 'noop', replaySafe: true, handle: async (batch) => void (handled += batch.length) }],
          }),
        (r, elapsedMs) => ({
          perSecond: (r.delivered / elapsedMs) * 1000,
          note: `${PARTITIONS} partitions in parallel, decode + validate each event; handler saw ${rate(handled)}`,
        }),
      );

    // ---- time travel, without then with snapshots
    const customerIds = ranks.map((r) => source.customerAt(r));
    const perCustomer = ranks.map((r) => source.eventsOf(r));
    const reconstructCustomers = async (withSnapshots: boolean) => {
      const deps = {
        log: opened.log,
        codec,
        ...(withSnapshots ? { snapshots: createSnapshotStore(snapshotDb) } : {}),
      };
      const times: number[] = [];
      const folded: number[] = [];
      const views: string[] = [];
      for (const customerId of customerIds) {
        const t = performance.now();
        const at = await reconstructCustomer(deps, { topic, customerId, at: lastTs });
        times.push(performance.now() - t);
        folded.push(at.fold.foldedRecords);
        views.push(JSON.stringify(at.view));
      }
      return { times, folded, views };
    };
    const reconstructAll = async (withSnapshots: boolean) => {
      const deps = {
        log: opened.log,
        codec,
        ...(withSnapshots ? { snapshots: createSnapshotStore(snapshotDb) } : {}),
      };
      const system = await reconstructSystem(deps, { topic, at: lastTs });
      return {
        customers: Object.keys(system.customers).length,
        folded: system.partitions.reduce((a, p) => a + p.foldedRecords, 0),
        digest: JSON.stringify(system.customers).length,
        sample: JSON.stringify(system.customers[customerIds[0] as string]),
      };
    };
    const customerNote = (r: { folded: number[] }) =>
      `${ranks.length} customers (Zipf ranks ${ranks.join(', ')}; ${perCustomer.map(rate).join(' / ')} own events), records read ${r.folded.map(rate).join(' / ')}`;

    let snapCustomers: { views: string[] } | undefined;
    let snapSystem: { customers: number; digest: number; sample: string | undefined } | undefined;
    if (!skip.has('snapshots')) {
      const store = createSnapshotStore(snapshotDb);
      await measure(
        name,
        `snapshotter catch-up (every ${rate(every)})`,
        '',
        server,
        () => createSnapshotter({ log: opened.log, codec, store, topic, every }).catchUp(),
        (saved, elapsedMs) => ({
          perSecond: (events / elapsedMs) * 1000,
          note: `${saved} snapshots saved`,
        }),
      );
      const list = await store.list(topic);
      const bytes = list.reduce((a, s) => a + s.bytes, 0);
      const last = list.filter((s, i) => list[i + 1]?.partition !== s.partition);
      const lastBytes = last.reduce((a, s) => a + s.bytes, 0);
      console.log(
        `  snapshots: ${list.length}, ${(bytes / 2 ** 20).toFixed(1)} MiB gzip in all; latest per partition ${(lastBytes / 2 ** 20).toFixed(1)} MiB`,
      );
      rows[rows.length - 1] = {
        ...(rows.at(-1) as Row),
        note: `${list.length} snapshots, ${(bytes / 2 ** 20).toFixed(1)} MiB gzip JSON (latest per partition ${(lastBytes / 2 ** 20).toFixed(1)} MiB)`,
      };

      snapCustomers = await measure(
        name,
        'reconstructCustomer at end',
        'yes',
        server,
        () => reconstructCustomers(true),
        (r) => ({ ...summarizeMs(r.times), note: customerNote(r), detail: { times: r.times, folded: r.folded } }),
      );
      snapSystem = await measure(
        name,
        'reconstructSystem at end',
        'yes',
        server,
        () => reconstructAll(true),
        (r) => ({ note: `${rate(r.customers)} customers, ${rate(r.folded)} records folded`, detail: r }),
      );
    }
    if (skip.has('plain')) continue;
    const plainCustomers = await measure(
      name,
      'reconstructCustomer at end',
      'no',
      server,
      () => reconstructCustomers(false),
      (r) => ({ ...summarizeMs(r.times), note: customerNote(r), detail: { times: r.times, folded: r.folded } }),
    );
    if (skip.has('system')) continue;
    const plainSystem = await measure(
      name,
      'reconstructSystem at end',
      'no',
      server,
      () => reconstructAll(false),
      (r) => ({ note: `${rate(r.customers)} customers, ${rate(r.folded)} records folded`, detail: r }),
    );

    // The snapshots must not change the answer.
    if (!snapCustomers || !snapSystem) continue;
    const snapViews = snapCustomers.views;
    const sameCustomers = plainCustomers.views.every((v, i) => v === snapViews[i]);
    const sameSystem =
      plainSystem.customers === snapSystem.customers &&
      plainSystem.digest === snapSystem.digest &&
      plainSystem.sample === snapSystem.sample;
    console.log(`  same state with and without snapshots: customers ${sameCustomers}, system ${sameSystem}`);
    if (!sameCustomers || !sameSystem) throw new Error('snapshots changed the reconstructed state');
  } finally {
    await cleanup?.();
  }
}
report(true);

function summarizeMs(times: number[]): Partial<Row> {
  const s = summarize(times);
  return { p50Ms: s.p50Ms, maxMs: s.maxMs };
}
