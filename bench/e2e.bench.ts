// End to end, distributed mode: the service process(es) on PostgreSQL + Kafka + Redis, driven by the
// `bss load` generator (src/load/) at the target rate for a sustained run, then a ramp to find the
// highest sustainable rate, then the machine's ceilings (Kafka ProducerPerformance, PostgreSQL COPY,
// a Fastify hello-world), and the checks: zero errors, API p99 < 1 s, order processing p95 < 5 s, no
// event lost between the API, the log and the read models. Everything shares the machine's cores;
// the CPU each process took is reported.
//
//   npm run bench -- e2e                                the 10-minute run at 6,667 events/s, ramp, ceilings
//   npm run bench -- e2e --duration 60s --skip ceilings
//   npm run bench -- e2e --skip main,ceilings --cpu-prof     a profiled ramp
//
// Options: --rate 6667 --duration 10m --instances 1 --customers 1000 --zipf 1 --usage-batch 100
//   --connections 64 --ramp-from RATE --ramp-step 2000 --ramp-steps 5 --ramp-step-duration 60s
//   --skip main|ramp|ceilings (comma-separated) --cpu-prof --tag NAME (results go to baseline-<date>[-NAME].json)
//   --synchronous-commit off|local|on (the service's own database gets it) --quiet-wait 120s
//   --service-main PATH (run that main.ts instead, e.g. a patched worktree's, to measure a change)
//   BSS_KAFKA_LINGER_MS, BSS_KAFKA_MAX_BATCH_BYTES, BSS_KAFKA_COMPRESSION, BSS_OUTBOX_BATCH_SIZE, BSS_COMMIT_GROUP*, BSS_SHED_* in the
//   bench's environment are passed to the service
//   --usage-via http|kafka (kafka: the usage CDRs go to the service's mediation feed topic; the rest
//   stays on HTTP; the no-lost-events check then counts each produced CDR as an offered event)
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { parseDuration } from '../src/cli/load.ts';
import { progressLine } from '../src/cli/load.ts';
import { DEFAULT_MIX, parseMix } from '../src/load/mix.ts';
import { runLoad, type LoadReport } from '../src/load/generator.ts';
import { openMediationFeed, type MediationFeed } from '../src/load/mediation-feed.ts';
import { DEFAULT_MEDIATION_GROUP, DEFAULT_MEDIATION_TOPIC } from '../src/config.ts';
import { createKafkaEventLog } from '../src/log/kafka/kafka-event-log.ts';
import { EVENTS_TOPIC } from '../src/application/commands/command-bus.ts';
import { startCpu, waitForQuiet, type CpuTarget } from './lib/cpu.ts';
import { kafkaVersion, machineInfo, REPO, requireEnv, servicePid, uniqueName } from './lib/machine.ts';
import { markdownTable, replaceSection, RESULTS_DIR, writeJsonResult } from './lib/report.ts';
import { producerPerformance } from './event-log/ceilings.ts';
import { fastifyHello, postgresCopy } from './e2e/ceilings.ts';
import { buckets, histogramQuantile, scrape, sum, type Sample } from './e2e/metrics.ts';
import { hotSpots } from './e2e/profile.ts';
import { databaseActivity, perMinute, serviceGauges, type Tick } from './e2e/timeline.ts';
import { startBenchService, type BenchService } from './e2e/service.ts';
import { deleteTopicsWithPrefix } from '../test/support/kafka-topics.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '6667' },
    duration: { type: 'string', default: '10m' },
    instances: { type: 'string', default: '1' },
    customers: { type: 'string', default: '1000' },
    zipf: { type: 'string', default: '1' },
    'usage-batch': { type: 'string', default: '100' },
    connections: { type: 'string', default: '64' },
    mix: { type: 'string' },
    'ramp-from': { type: 'string' },
    'ramp-step': { type: 'string', default: '2000' },
    'ramp-steps': { type: 'string', default: '5' },
    'ramp-step-duration': { type: 'string', default: '60s' },
    /** The ramp stops once a progress window's p99 exceeds this: past saturation, more steps only queue. */
    'ramp-stop-p99': { type: 'string', default: '10s' },
    skip: { type: 'string', default: '' },
    'cpu-prof': { type: 'boolean', default: false },
    tag: { type: 'string' },
    'synchronous-commit': { type: 'string' },
    'quiet-wait': { type: 'string', default: '120s' },
    'service-main': { type: 'string' },
    'usage-via': { type: 'string', default: 'http' },
  },
});
if (!['http', 'kafka'].includes(values['usage-via'])) throw new Error('--usage-via: http or kafka');
const skip = new Set(values.skip.split(',').filter(Boolean));
const rate = Number(values.rate);
const durationMs = parseDuration(values.duration);
const usageBatch = Number(values['usage-batch']);
const customers = Number(values.customers);
const mix = values.mix ? parseMix(values.mix) : DEFAULT_MIX;
const rampFrom = Number(values['ramp-from'] ?? rate);
const rampStep = Number(values['ramp-step']);
const rampSteps = Number(values['ramp-steps']);
const rampStepMs = parseDuration(values['ramp-step-duration']);
const rampStopP99Ms = parseDuration(values['ramp-stop-p99']);
const ADMIN_KEY = `bench-e2e-admin-key-${Date.now().toString(36)}-0123456789`;
const log = (line: string) => process.stderr.write(`${line}\n`);

let databaseUrl = requireEnv('BSS_DATABASE_URL');
// --synchronous-commit off|local|on: the service's database gets that setting (ALTER DATABASE of a
// database of the bench's own, so other users of the server keep their settings).
if (values['synchronous-commit']) {
  const setting = values['synchronous-commit'];
  if (!['on', 'off', 'local'].includes(setting)) throw new Error('--synchronous-commit: on, off or local');
  const dbName = 'bss_bench_e2e';
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.query(`ALTER DATABASE ${dbName} SET synchronous_commit = ${setting}`);
  await admin.end();
  const url = new URL(databaseUrl);
  url.pathname = `/${dbName}`;
  databaseUrl = url.toString();
}
const brokers = requireEnv('BSS_KAFKA_BROKERS');
const redisUrl = requireEnv('BSS_REDIS_URL');
const schema = uniqueName('bench_e2e').replaceAll('-', '_');
const topicPrefix = `${uniqueName('bench-e2e')}.`;
const eventsTopic = topicPrefix + EVENTS_TOPIC;
const profileDir = values['cpu-prof'] ? `${tmpdir()}/bss-e2e-prof-${Date.now()}` : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });

const env = {
  BSS_DATABASE_URL: databaseUrl,
  BSS_DATABASE_SCHEMA: schema,
  BSS_KAFKA_BROKERS: brokers,
  BSS_REDIS_URL: redisUrl,
  BSS_TOPIC_PREFIX: topicPrefix,
  BSS_ADMIN_API_KEY: ADMIN_KEY,
  // The service's tuning settings, when the bench's own environment sets them (A/B of a knob).
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] =>
        /^BSS_(KAFKA_LINGER_MS|KAFKA_MAX_BATCH_BYTES|KAFKA_COMPRESSION|OUTBOX_BATCH_SIZE|COMMIT_GROUP|SHED_)/.test(
          e[0],
        ) && e[1] !== undefined,
    ),
  ),
};

function redisPid(): number | undefined {
  try {
    return Number(readFileSync(`${REPO}.services/redis/redis.pid`, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

// --- services -----------------------------------------------------------------------------------
const instances: BenchService[] = [];
for (let i = 0; i < Number(values.instances); i++) {
  instances.push(
    await startBenchService(env, {
      ...(profileDir ? { cpuProfDir: profileDir } : {}),
      ...(values['service-main'] ? { main: values['service-main'] } : {}),
    }),
  );
}
const urls = instances.map((s) => s.url);
log(`e2e: ${instances.length} instance(s) ${urls.join(', ')}, schema ${schema}, topic ${eventsTopic}`);
// --usage-via kafka: the services consume their (prefixed) mediation feed; the generator produces to it.
const feed: MediationFeed | undefined =
  values['usage-via'] === 'kafka'
    ? await openMediationFeed({
        brokers: brokers.split(','),
        topic: topicPrefix + DEFAULT_MEDIATION_TOPIC,
        group: topicPrefix + DEFAULT_MEDIATION_GROUP,
      })
    : undefined;
const viaFeed = feed ? { mediation: feed, mediationDrainMs: 300_000 } : {};
if (feed) log(`e2e: usage CDRs go to Kafka topic ${feed.topic}`);

const cpuTargets: Record<string, CpuTarget> = { bench: { pid: process.pid } };
instances.forEach((s, i) => (cpuTargets[`service${instances.length > 1 ? i + 1 : ''}`] = { pid: s.pid }));
const pgPid = servicePid('postgres');
const kafkaPid = servicePid('kafka');
const rPid = redisPid();
if (pgPid) cpuTargets['postgres'] = { pid: pgPid, withChildren: true };
if (kafkaPid) cpuTargets['kafka'] = { pid: kafkaPid };
if (rPid) cpuTargets['redis'] = { pid: rPid };

/** Adds `others`: what processes outside the run took (another benchmark on a shared machine). */
function withOthers(shares: Record<string, number>): Record<string, number> {
  const ours = Object.entries(shares).reduce((a, [k, v]) => (k === 'machine' ? a : a + v), 0);
  return { ...shares, others: Math.max(0, (shares['machine'] ?? 0) - ours) };
}

const kafka = createKafkaEventLog({ brokers: brokers.split(','), clientId: 'bss-bench-e2e' });
const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();

/** Outbox rows not yet published to Kafka, counted in the database (the source of truth). */
async function outboxBacklog(): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM "${schema}".outbox WHERE published_at IS NULL`,
  );
  return Number(rows[0]?.n ?? 0);
}

// --- metrics sampling every 2 s: outbox backlog, consumer lag, the service's gauges, PostgreSQL's waits ---
const timeline: Tick[] = [];
let phase = 'setup';
const t0 = Date.now();
const scrapeAll = () => Promise.all(instances.map((s) => scrape(s.url)));
const sampler = setInterval(() => {
  void Promise.all([scrapeAll(), outboxBacklog(), eventsInLog()])
    .then(async ([sets, backlog, inLog]) => {
      timeline.push({
        t: (Date.now() - t0) / 1000,
        phase,
        backlog,
        lag: sets.reduce((a, s) => a + sum(s, 'bss_consumer_lag'), 0),
        published: inLog,
        ...serviceGauges(sets),
        ...(await databaseActivity(db)),
      });
    })
    .catch(() => {});
}, 2_000);

async function drain(maxMs = 900_000): Promise<{ seconds: number; backlog: number; lag: number }> {
  const started = Date.now();
  for (;;) {
    const sets = await scrapeAll();
    const backlog = await outboxBacklog();
    const lag = sets.reduce((a, s) => a + sum(s, 'bss_consumer_lag'), 0);
    if (Math.round((Date.now() - started) / 1000) % 15 === 0)
      log(`drain: outbox backlog ${backlog}, consumer lag ${lag}`);
    if ((backlog === 0 && lag === 0) || Date.now() - started > maxMs) {
      return { seconds: (Date.now() - started) / 1000, backlog, lag };
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** Events in the log: the events topic's end offsets summed over partitions. */
async function eventsInLog(): Promise<number> {
  return (await kafka.offsets(eventsTopic)).reduce((a, p) => a + p.end, 0);
}

/** Events folded into the read models: each event changes one aggregate row and adds 1 to its version. */
async function eventsInReadModels(): Promise<Record<string, number>> {
  const tables = ['customers', 'orders', 'subscriptions', 'usage_records', 'invoices', 'payments'];
  const out: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await db.query<{ n: string | null }>(`SELECT sum(version)::bigint AS n FROM "${schema}".${table}`);
    out[table] = Number(rows[0]?.n ?? 0);
  }
  const outbox = await db.query<{ n: string; unpublished: string }>(
    `SELECT count(*) AS n, count(*) FILTER (WHERE published_at IS NULL) AS unpublished FROM "${schema}".outbox`,
  );
  out['outbox rows (published rows are deleted by the relay)'] = Number(outbox.rows[0]?.n ?? 0);
  out['outbox unpublished'] = Number(outbox.rows[0]?.unpublished ?? 0);
  return out;
}

async function serviceCounts(): Promise<{
  events: number;
  orderP95S: number;
  orderCount: number;
  httpP99S: number;
  eventBytes: number;
  sets: Sample[][];
}> {
  const sets = await scrapeAll();
  const order = buckets(sets, 'bss_order_processing_duration_seconds');
  const httpBuckets = buckets(sets, 'http_server_request_duration_seconds');
  const sizeSum = sets.reduce((a, s) => a + sum(s, 'bss_event_size_bytes_sum'), 0);
  const sizeCount = sets.reduce((a, s) => a + sum(s, 'bss_event_size_bytes_count'), 0);
  return {
    events: sets.reduce((a, s) => a + sum(s, 'bss_events_total'), 0),
    orderP95S: histogramQuantile(0.95, order),
    orderCount: order.get(Number.POSITIVE_INFINITY) ?? 0,
    httpP99S: histogramQuantile(0.99, httpBuckets),
    eventBytes: sizeCount > 0 ? sizeSum / sizeCount : 600,
    sets,
  };
}

interface Check {
  readonly check: string;
  readonly target: string;
  readonly measured: string;
  readonly pass: boolean;
}

const results: Record<string, unknown> = {};
/** The generator's one-second windows (offered/accepted, p50/p99, errors), with the machine's CPU in each. */
const progress: Array<Record<string, unknown>> = [];
let machineCpu = startCpu({});
const machineWindow = (): number => {
  const { machine } = machineCpu();
  machineCpu = startCpu({});
  return machine;
};
const checks: Check[] = [];
const pgVersion = (await db.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version;
const machine = machineInfo({ postgres: pgVersion ?? '?', kafka: kafkaVersion() });
const jsonPayload = () => ({
  date: new Date().toISOString(),
  machine,
  command: `npm run bench -- e2e ${process.argv.slice(2).join(' ')}`.trim(),
  options: values,
  mix,
  checks,
  ...results,
  timeline,
  progress,
});
/** Writes what is measured so far (the same file each time); returns its path. */
const saveJson = () => writeJsonResult(values.tag ? `baseline-${values.tag}` : 'baseline', jsonPayload());

// --- the sustained run --------------------------------------------------------------------------
let main: (LoadReport & { cpu: Record<string, number> }) | undefined;
if (!skip.has('main')) {
  const busy = await waitForQuiet(40, parseDuration(values['quiet-wait']));
  log(`e2e: machine ${busy} % busy before the run (waited up to ${values['quiet-wait']} for < 40 %)`);
  log(`e2e: main run ${rate} events/s for ${durationMs / 1000} s (setup of ${customers} customers first)`);
  let cpu: (() => Record<string, number>) | undefined;
  const report = await runLoad({
    urls,
    apiKey: ADMIN_KEY,
    steps: [{ eventsPerSecond: rate, durationMs }],
    mix,
    customers,
    zipf: Number(values.zipf),
    usageBatch,
    connections: Number(values.connections),
    ...viaFeed,
    onSetup: (done, total) => {
      if (done === total) {
        log(`setup: ${total} customers`);
        phase = 'main';
        cpu = startCpu(cpuTargets);
      }
    },
    onProgress: (p) => {
      progress.push({ phase, ...p, machineCpu: machineWindow() });
      if (Math.round(p.elapsedS) % 10 === 0) log(progressLine(p));
    },
  });
  const shares = withOthers(cpu?.() ?? {});
  phase = 'drain';
  const drained = await drain();
  const counts = await serviceCounts();
  const inLog = await eventsInLog();
  const folded = await eventsInReadModels();
  const foldedTotal = ['customers', 'orders', 'subscriptions', 'usage_records', 'invoices', 'payments'].reduce(
    (a, t) => a + (folded[t] ?? 0),
    0,
  );
  const setupEvents = customers * 5; // created, order placed, approved, completed, subscription activated
  // Each CDR the broker acknowledged is an offered usage event (usage.rated or usage.rejected once the
  // feed consumed it); report.events.accepted counts them beside the events the API accepted.
  const cdrsProduced = report.mediation?.produced ?? 0;
  const httpAccepted = report.events.accepted - cdrsProduced;
  const apiAccepted = httpAccepted + cdrsProduced + setupEvents;
  main = { ...report, cpu: shares };
  const mainBacklogMax = Math.max(0, ...timeline.filter((t) => t.phase === 'main').map((t) => t.backlog));
  const mainLagMax = Math.max(0, ...timeline.filter((t) => t.phase === 'main').map((t) => t.lag));
  results['main'] = {
    report,
    cpu: shares,
    drain: drained,
    eventsAcceptedByApi: apiAccepted,
    cdrsProducedToFeed: cdrsProduced,
    eventsCommittedByService: counts.events,
    eventsInLog: inLog,
    eventsFoldedIntoReadModels: foldedTotal,
    readModels: folded,
    orderProcessingP95S: counts.orderP95S,
    ordersProcessed: counts.orderCount,
    serverHttpP99S: counts.httpP99S,
    outboxBacklogMax: mainBacklogMax,
    consumerLagMax: mainLagMax,
    meanEventBytes: counts.eventBytes,
  };
  const minutes = durationMs / 60_000;
  checks.push(
    {
      check: `sustained rate (${minutes.toFixed(1)} min)`,
      target: `${rate.toLocaleString('en-US')} events/s accepted`,
      // Accepted over the time until the last answer came, so answers that trail the schedule count late.
      measured: `${Math.round(report.events.accepted / report.durationS).toLocaleString('en-US')} events/s over ${report.durationS.toFixed(1)} s (offered ${Math.round(report.events.offeredPerSecond).toLocaleString('en-US')}/s)`,
      pass: report.events.accepted / report.durationS >= rate * 0.99 && report.events.accepted >= report.events.offered,
    },
    {
      check: 'errors',
      target: '0',
      measured: `${report.errors} ${JSON.stringify(report.errorsByStatus)}`,
      pass: report.errors === 0,
    },
    {
      check: 'API p99 (client, from schedule)',
      target: '< 1 s',
      measured: `${Math.round(report.overall.p99)} ms (p50 ${report.overall.p50.toFixed(1)}, p95 ${report.overall.p95.toFixed(1)})`,
      pass: report.overall.p99 < 1_000,
    },
    {
      check: 'order processing p95 (bss_order_processing_duration_seconds)',
      target: '< 5 s',
      measured: `${(counts.orderP95S * 1000).toFixed(0)} ms over ${counts.orderCount} orders`,
      pass: counts.orderP95S < 5,
    },
    {
      check: feed
        ? 'no lost events: API accepted + CDRs produced = service committed = Kafka log = read models'
        : 'no lost events: API accepted = service committed = Kafka log = read models',
      target: 'all equal',
      measured: `${feed ? `(${httpAccepted + setupEvents} + ${cdrsProduced}) ` : ''}${apiAccepted} = ${counts.events} = ${inLog} = ${foldedTotal}`,
      pass: apiAccepted === counts.events && counts.events === inLog && inLog === foldedTotal,
    },
    {
      check: 'outbox drained after the run',
      target: 'backlog 0, consumer lag 0',
      measured: `backlog ${drained.backlog}, lag ${drained.lag} after ${drained.seconds.toFixed(1)} s (max during run: backlog ${mainBacklogMax}, lag ${mainLagMax})`,
      pass: drained.backlog === 0 && drained.lag === 0,
    },
  );
  if (report.mediation) {
    const m = report.mediation;
    checks.push({
      check: 'mediation feed drained (consumer group lag 0 after the run)',
      target: 'lag 0',
      measured: `${m.produced} CDRs produced (${Math.round(m.producedPerSecond)}/s, produce p99 ${m.produceLatency.p99.toFixed(1)} ms), lag ${m.drain.lag} after ${m.drain.seconds.toFixed(1)} s`,
      pass: m.drain.lag === 0 && m.failed === 0,
    });
  }
  log(checks.map((c) => `${c.pass ? 'PASS' : 'FAIL'} ${c.check}: ${c.measured}`).join('\n'));
  // Kept even if a later phase (the ramp past saturation) takes the service down.
  log(`e2e: main run results in ${saveJson()}`);
}

// --- the ramp -----------------------------------------------------------------------------------
if (!skip.has('ramp')) {
  const steps = Array.from({ length: rampSteps + 1 }, (_, i) => ({
    eventsPerSecond: rampFrom + i * rampStep,
    durationMs: rampStepMs,
  }));
  log(`e2e: ramp ${steps.map((s) => s.eventsPerSecond).join(' → ')} events/s, ${rampStepMs / 1000} s each`);
  phase = 'ramp-setup';
  let rampStart = 0;
  let cpu: (() => Record<string, number>) | undefined;
  const cpuPerStep: Array<Record<string, number>> = [];
  let stepTimer: NodeJS.Timeout | undefined;
  const stop = new AbortController();
  const report = await runLoad({
    urls,
    apiKey: ADMIN_KEY,
    steps,
    mix,
    customers: Math.min(customers, 300),
    zipf: Number(values.zipf),
    usageBatch,
    connections: Number(values.connections),
    drainMs: 30_000,
    signal: stop.signal,
    ...viaFeed,
    onSetup: (done, total) => {
      if (done !== total) return;
      rampStart = (Date.now() - t0) / 1000;
      phase = 'ramp-0';
      cpu = startCpu(cpuTargets);
      let step = 0;
      stepTimer = setInterval(() => {
        cpuPerStep.push(withOthers(cpu?.() ?? {}));
        cpu = startCpu(cpuTargets);
        step++;
        phase = step <= rampSteps ? `ramp-${step}` : 'ramp-end';
      }, rampStepMs);
    },
    onProgress: (p) => {
      progress.push({ phase, ...p, machineCpu: machineWindow() });
      if (Math.round(p.elapsedS) % 10 === 0) log(progressLine(p));
      if (p.p99Ms > rampStopP99Ms && !stop.signal.aborted) {
        log(
          `e2e: ramp stopped at ${p.targetEventsPerSecond} events/s: window p99 ${Math.round(p.p99Ms)} ms > ${rampStopP99Ms} ms`,
        );
        stop.abort();
      }
    },
  });
  clearInterval(stepTimer);
  if (cpuPerStep.length < steps.length) cpuPerStep.push(withOthers(cpu?.() ?? {}));
  phase = 'drain';
  const drained = await drain();
  const stepRows = report.steps.map((s, i) => {
    const ticks = timeline.filter((t) => t.phase === `ramp-${i}`);
    const first = ticks[0];
    const last = ticks.at(-1);
    const backlogGrowth = first && last ? last.backlog - first.backlog : 0;
    const lagGrowth = first && last ? last.lag - first.lag : 0;
    const published = first && last && last.t > first.t ? (last.published - first.published) / (last.t - first.t) : NaN;
    const sustainable =
      s.errors === 0 &&
      s.latency.p99 < 1_000 &&
      s.acceptedPerSecond >= s.eventsPerSecond * 0.97 &&
      (last?.backlog ?? 0) < s.eventsPerSecond * 2 &&
      (last?.lag ?? 0) < s.eventsPerSecond * 5;
    return {
      ...s,
      publishedPerSecond: published,
      backlogEnd: last?.backlog ?? NaN,
      backlogGrowth,
      lagEnd: last?.lag ?? NaN,
      lagGrowth,
      cpu: cpuPerStep[i] ?? {},
      sustainable,
    };
  });
  let maxSustainable = 0;
  for (const row of stepRows) {
    if (!row.sustainable) break;
    maxSustainable = row.eventsPerSecond;
  }
  results['ramp'] = {
    rampStartS: rampStart,
    steps: stepRows,
    drain: drained,
    maxSustainableEventsPerSecond: maxSustainable,
    report,
  };
  log(`e2e: max sustainable in the ramp: ${maxSustainable} events/s`);
}

clearInterval(sampler);
await feed?.close();
for (const s of instances) await s.stop();
let profile: ReturnType<typeof hotSpots> | undefined;
if (profileDir) {
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (file) {
    profile = hotSpots(`${profileDir}/${file}`, 25);
    results['profile'] = { file: `${profileDir}/${file}`, ...profile };
  }
}

// --- ceilings -----------------------------------------------------------------------------------
if (!skip.has('ceilings')) {
  const meanBytes = Math.round((results['main'] as { meanEventBytes?: number } | undefined)?.meanEventBytes ?? 650);
  const ppTopic = uniqueName('bench-e2e-ceiling');
  await kafka.ensureTopic(ppTopic, { partitions: 12 });
  log(`e2e: ceiling Kafka ProducerPerformance (300,000 records of ${meanBytes} B)`);
  const kafkaCpu = startCpu({ kafka: cpuTargets['kafka'] ?? { pid: process.pid } });
  const pp = await producerPerformance({ brokers, topic: ppTopic, records: 300_000, recordSize: meanBytes });
  const ppCpu = kafkaCpu();
  log(`e2e: ceiling PostgreSQL COPY (500,000 usage-like rows)`);
  const copy = await postgresCopy(
    databaseUrl,
    `${schema}_copy`,
    500_000,
    pgPid ? { server: { pid: pgPid, withChildren: true } } : {},
  );
  log(`e2e: ceiling Fastify hello-world (autocannon, 15 s)`);
  const hello = await fastifyHello(REPO, 15);
  results['ceilings'] = { kafkaProducerPerformance: { ...pp, cpu: ppCpu }, postgresCopy: copy, fastifyHello: hello };
}

await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
await db.end();
await kafka.close();
await deleteTopicsWithPrefix(brokers, topicPrefix);

// --- report ---------------------------------------------------------------------------------------
const payload = jsonPayload();
const file = saveJson();
log(`e2e: results in ${file}`);

const lines: string[] = [`Run ${payload.date} — \`${payload.command}\` — JSON: \`${file.replace(REPO, '')}\``, ''];
if (checks.length) {
  lines.push(
    markdownTable(
      ['check', 'target', 'measured', 'pass'],
      checks.map((c) => ({ ...c, pass: c.pass ? 'PASS' : 'FAIL' })),
    ),
    '',
  );
}
if (main) {
  lines.push(
    markdownTable(
      ['call', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      [...Object.entries(main.latency), ['all', main.overall] as const].map(([name, l]) => ({
        call: name,
        count: l.count,
        'p50 ms': l.p50.toFixed(1),
        'p95 ms': l.p95.toFixed(1),
        'p99 ms': l.p99.toFixed(1),
        'max ms': l.max.toFixed(1),
      })),
    ),
    '',
    `CPU during the main run (% of one core; 200 % = the machine): ${Object.entries(main.cpu)
      .map(([k, v]) => `${k} ${v} %`)
      .join(', ')}`,
    '',
    'Minute by minute (the service every 2 s; lock waits: PostgreSQL sessions seen waiting on a row lock):',
    '',
    markdownTable(
      [
        'minute',
        'operations/s',
        'operation mean ms',
        'service CPU %',
        'GC ms/s',
        'loop lag max ms',
        'heap MB max',
        'refusals',
        'lock waits seen',
        'vacuums',
      ],
      perMinute(timeline, 'main'),
    ),
    '',
  );
}
const ramp = results['ramp'] as
  { steps: Array<Record<string, unknown>>; maxSustainableEventsPerSecond: number } | undefined;
if (ramp) {
  lines.push(
    markdownTable(
      [
        'target ev/s',
        'accepted ev/s',
        'published ev/s',
        'p50 ms',
        'p99 ms',
        'errors',
        'backlog end',
        'lag end',
        'CPU service/pg/kafka/bench/others %',
        'ok',
      ],
      ramp.steps.map((s) => {
        const l = s['latency'] as { p50: number; p99: number };
        const cpu = s['cpu'] as Record<string, number>;
        return {
          'target ev/s': Number(s['eventsPerSecond']).toLocaleString('en-US'),
          'accepted ev/s': Math.round(Number(s['acceptedPerSecond'])).toLocaleString('en-US'),
          'published ev/s': Math.round(Number(s['publishedPerSecond'])).toLocaleString('en-US'),
          'p50 ms': l.p50.toFixed(1),
          'p99 ms': l.p99.toFixed(1),
          errors: Number(s['errors']),
          'backlog end': Number(s['backlogEnd']),
          'lag end': Number(s['lagEnd']),
          'CPU service/pg/kafka/bench/others %': `${cpu['service'] ?? '–'}/${cpu['postgres'] ?? '–'}/${cpu['kafka'] ?? '–'}/${cpu['bench'] ?? '–'}/${cpu['others'] ?? '–'}`,
          ok: s['sustainable'] ? 'yes' : 'no',
        };
      }),
    ),
    '',
    `Max sustainable rate in the ramp: ${ramp.maxSustainableEventsPerSecond.toLocaleString('en-US')} events/s`,
    '',
  );
}
if (profile) {
  lines.push(
    `Service CPU profile (${profile.samples} samples), self time by area: ${profile.areas
      .slice(0, 12)
      .map((a) => `${a.name} ${a.selfPercent} %`)
      .join(', ')}`,
    '',
    markdownTable(
      ['function', 'self %'],
      profile.functions.slice(0, 20).map((f) => ({ function: f.name, 'self %': f.selfPercent })),
    ),
    '',
  );
}
const ceilings = results['ceilings'] as
  | {
      kafkaProducerPerformance: { perSecond: number; p99Ms: number };
      postgresCopy: { rowsPerSecond: number };
      fastifyHello: { requestsPerSecond: number; p99Ms: number };
    }
  | undefined;
if (ceilings) {
  const accepted = main?.events.acceptedPerSecond ?? NaN;
  const reqs = main ? main.overall.count / (durationMs / 1000) : NaN;
  const usageCalls = (main?.latency['usage']?.count ?? 0) + (main?.latency['usage.produce']?.count ?? 0);
  const usagePerSecond = main ? (usageCalls * usageBatch) / (durationMs / 1000) : NaN;
  const pct = (a: number, b: number) => (Number.isFinite(a) && b > 0 ? `${((a / b) * 100).toFixed(1)} %` : '–');
  lines.push(
    markdownTable(
      ['ceiling', 'measured', 'ours (main run)', 'ours as %'],
      [
        {
          ceiling: 'Kafka ProducerPerformance (records/s)',
          measured: Math.round(ceilings.kafkaProducerPerformance.perSecond).toLocaleString('en-US'),
          'ours (main run)': `${Math.round(accepted).toLocaleString('en-US')} events/s`,
          'ours as %': pct(accepted, ceilings.kafkaProducerPerformance.perSecond),
        },
        {
          ceiling: 'PostgreSQL COPY usage-like rows (rows/s)',
          measured: Math.round(ceilings.postgresCopy.rowsPerSecond).toLocaleString('en-US'),
          'ours (main run)': `${Math.round(usagePerSecond).toLocaleString('en-US')} usage rows/s`,
          'ours as %': pct(usagePerSecond, ceilings.postgresCopy.rowsPerSecond),
        },
        {
          ceiling: 'Fastify hello-world (requests/s)',
          measured: Math.round(ceilings.fastifyHello.requestsPerSecond).toLocaleString('en-US'),
          'ours (main run)': `${Math.round(reqs).toLocaleString('en-US')} requests/s`,
          'ours as %': pct(reqs, ceilings.fastifyHello.requestsPerSecond),
        },
      ],
    ),
    '',
  );
}
const section = values.tag ? `e2e-${values.tag}` : 'e2e';
replaceSection(`${RESULTS_DIR}/BASELINE.md`, section, lines.join('\n'));
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(0);
