// The write path over HTTP, unbatched (issue 13's "Targets"): one distributed-mode service (PostgreSQL
// + Kafka + Redis) driven by the `bss load` generator with ONE record per request — 70 % single-CDR
// POST /usage, 30 % customer and balance GETs, each with its own record id — in an open-loop ramp, then
// an overload step at 3 × the highest sustainable rate; in the same run `pgbench -N` (16 clients) and a
// Fastify hello-world as ceilings. Per step: offered, answered OK/s, p50/p99, failures, 503 refusals
// (with Retry-After, and their p99) and CPU µs per answered request (service + PostgreSQL, from /proc).
// After the overload the no-lost check, by record id (src/load/no-lost-check.ts): every acknowledged CDR
// is in the usage rows and its event in the Kafka log, none twice, none that was never sent.
//
//   npm run bench -- write-path-http                                the full run (ramp 60 s steps, overload 60 s)
//   npm run bench -- write-path-http --step-duration 10s --overload-duration 15s --ceiling-duration 5s
//
// Options: --ramp 250,500,1000,2000,3000 (requests/s) --step-duration 60s --overload-factor 3
//   --overload-rate N (requests/s; default factor × the highest sustainable step) --overload-duration 60s
//   --sustainable-p99 100ms --customers 200 --connections 512 --timeout 10s --ceiling-duration 15s
//   --skip ceilings|ramp|overload --cpu-prof --tag NAME --service-main PATH --quiet-wait 60s
//   --no-idempotency-keys (by default every write carries an Idempotency-Key) --workers N (BSS_WORKERS)
//   --node-options '--max-semi-space-size=64' (NODE_OPTIONS of the service's process)
//   BSS_COMMIT_GROUP*, BSS_SHED_* in the bench's environment go to the service.
import { readdirSync } from 'node:fs';
import os from 'node:os';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { parseDuration, progressLine } from '../src/cli/load.ts';
import { meanEvents, parseMix } from '../src/load/mix.ts';
import { runLoad, UsageLedger, type LoadReport, type StepReport } from '../src/load/generator.ts';
import { noLostEvents } from './lib/no-lost-events.ts';
import { deleteTopicsWithPrefix } from '../test/support/kafka-topics.ts';
import { createKafkaEventLog } from '../src/log/kafka/kafka-event-log.ts';
import { EVENTS_TOPIC } from '../src/application/commands/command-bus.ts';
import { startCpu, waitForQuiet, type CpuTarget } from './lib/cpu.ts';
import { machineInfo, REPO, requireEnv, servicePid, uniqueName } from './lib/machine.ts';
import { pgbenchN } from './lib/pgbench.ts';
import { markdownTable, ms, rate, replaceSection, RESULTS_DIR, writeJsonResult } from './lib/report.ts';
import { fastifyHello } from './e2e/ceilings.ts';
import { scrape } from './e2e/metrics.ts';
import { hotSpots } from './e2e/profile.ts';
import { startBenchService } from './e2e/service.ts';
import { freePort } from '../test/support/private-stack.ts';

const { values } = parseArgs({
  options: {
    ramp: { type: 'string', default: '250,500,1000,2000,3000' },
    'step-duration': { type: 'string', default: '60s' },
    'overload-factor': { type: 'string', default: '3' },
    'overload-rate': { type: 'string' },
    'overload-duration': { type: 'string', default: '60s' },
    'sustainable-p99': { type: 'string', default: '100ms' },
    customers: { type: 'string', default: '200' },
    connections: { type: 'string', default: '512' },
    timeout: { type: 'string', default: '10s' },
    'ceiling-duration': { type: 'string', default: '15s' },
    skip: { type: 'string', default: '' },
    'cpu-prof': { type: 'boolean', default: false },
    tag: { type: 'string' },
    'service-main': { type: 'string' },
    'quiet-wait': { type: 'string', default: '60s' },
    /** NODE_OPTIONS for the service's process (V8 flags such as --max-semi-space-size=64). */
    'node-options': { type: 'string' },
    /** BSS_WORKERS for the service (`bss start --workers N`). */
    workers: { type: 'string', default: '1' },
    /** Writes carry an Idempotency-Key, as clients that retry safely send (--no-idempotency-keys: none). */
    'idempotency-keys': { type: 'boolean', default: true },
  },
  allowNegative: true,
});
const skip = new Set(values.skip.split(',').filter(Boolean));
const MIX = parseMix('usage=70,read=30');
/** Events per request of the mix with one CDR per usage call: the generator's rates are in events/s. */
const EVENTS_PER_REQUEST = meanEvents(MIX, 1);
const rampRates = values.ramp.split(',').map(Number);
const stepMs = parseDuration(values['step-duration']);
const sustainableP99 = parseDuration(values['sustainable-p99']);
const customers = Number(values.customers);
const workers = Number(values.workers);
const connections = Number(values.connections);
const timeoutMs = parseDuration(values.timeout);
const ADMIN_KEY = `bench-wp-admin-key-${Date.now().toString(36)}-0123456789`;
const SETUP_EVENTS_PER_CUSTOMER = 5; // created, order placed, approved, completed, subscription activated
const log = (line: string) => process.stderr.write(`${line}\n`);
/** The usage record ids every run sent and saw acknowledged, for the no-lost check. */
const ledger = new UsageLedger();

const databaseUrl = requireEnv('BSS_DATABASE_URL');
const brokers = requireEnv('BSS_KAFKA_BROKERS');
const schema = uniqueName('bench_wp').replaceAll('-', '_');
const topicPrefix = `${uniqueName('bench-wp')}.`;
const profileDir = values['cpu-prof'] ? `${tmpdir()}/bss-wp-prof-${Date.now()}` : undefined;

// --- ceilings first, on the same machine state ------------------------------------------------------
const ceilingS = parseDuration(values['ceiling-duration']) / 1000;
let ceilings: { pgbenchTps: number; fastifyHelloPerSecond: number; fastifyHelloP99Ms: number } | undefined;
if (!skip.has('ceilings')) {
  log(`write-path-http: ceilings, pgbench -N (16 clients) and Fastify hello-world, ${ceilingS} s each`);
  const pgbenchTps = pgbenchN(databaseUrl, ceilingS);
  const hello = await fastifyHello(REPO, ceilingS);
  ceilings = { pgbenchTps, fastifyHelloPerSecond: hello.requestsPerSecond, fastifyHelloP99Ms: hello.p99Ms };
  log(`  pgbench -N ${Math.round(pgbenchTps)} tps, hello-world ${Math.round(hello.requestsPerSecond)} req/s`);
}

// --- the service ------------------------------------------------------------------------------------
const service = await startBenchService(
  {
    BSS_DATABASE_URL: databaseUrl,
    BSS_DATABASE_SCHEMA: schema,
    BSS_KAFKA_BROKERS: brokers,
    BSS_REDIS_URL: requireEnv('BSS_REDIS_URL'),
    BSS_TOPIC_PREFIX: topicPrefix,
    BSS_ADMIN_API_KEY: ADMIN_KEY,
    // Workers share one listening port, and port 0 would give each its own: a fixed free one.
    ...(values['node-options'] ? { NODE_OPTIONS: values['node-options'] } : {}),
    ...(workers > 1 ? { BSS_WORKERS: String(workers), BSS_PORT: String(await freePort()) } : {}),
    ...Object.fromEntries(
      Object.entries(process.env).filter((e): e is [string, string] => /^BSS_(COMMIT_GROUP|SHED_)/.test(e[0])),
    ),
  },
  {
    ...(profileDir ? { cpuProfDir: profileDir } : {}),
    ...(values['service-main'] ? { main: values['service-main'] } : {}),
  },
);
log(`write-path-http: service ${service.url}, schema ${schema}`);
// A bench that fails midway leaves no service running.
process.once('exit', () => service.child.kill('SIGKILL'));
// With workers, the service is the supervisor and its forked workers.
const cpuTargets: Record<string, CpuTarget> = {
  service: { pid: service.pid, withChildren: workers > 1 },
  bench: { pid: process.pid },
};
const pgPid = servicePid('postgres');
if (pgPid) cpuTargets['postgres'] = { pid: pgPid, withChildren: true };
const kafkaPid = servicePid('kafka');
if (kafkaPid) cpuTargets['kafka'] = { pid: kafkaPid };

interface StepRow extends StepReport {
  readonly requestsPerSecond: number;
  readonly cpu: Record<string, number>;
  /** (service + PostgreSQL) CPU over the step / requests answered OK. */
  readonly cpuUsPerRequest: number;
  readonly sustainable: boolean;
}

/** One generator run over `rates` (requests/s, `durationMs` each), with the CPU of each step. */
async function drive(
  name: string,
  rates: number[],
  durationMs: number,
): Promise<{ report: LoadReport; rows: StepRow[] }> {
  const cpuPerStep: Array<Record<string, number>> = [];
  let cpu: (() => Record<string, number>) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const stop = new AbortController();
  const report = await runLoad({
    urls: [service.url],
    apiKey: ADMIN_KEY,
    steps: rates.map((r) => ({ eventsPerSecond: r * EVENTS_PER_REQUEST, durationMs })),
    mix: MIX,
    customers,
    zipf: 1,
    usageBatch: 1,
    connections,
    timeoutMs,
    idempotencyKeys: values['idempotency-keys'],
    drainMs: timeoutMs + 5_000,
    signal: stop.signal,
    ledger,
    onSetup: (done, total) => {
      if (done !== total) return;
      cpu = startCpu(cpuTargets);
      timer = setInterval(() => {
        cpuPerStep.push(cpu?.() ?? {});
        cpu = startCpu(cpuTargets);
      }, durationMs);
    },
    onProgress: (p) => {
      if (Math.round(p.elapsedS) % 5 === 0) log(`${name} ${progressLine(p)}`);
      // Past saturation with no refusals, more ramp steps only queue: stop the ramp there (the
      // overload step runs its whole length: what it does then is its measurement).
      if (name === 'ramp' && p.p99Ms > timeoutMs && !stop.signal.aborted) stop.abort();
    },
  });
  clearInterval(timer);
  if (cpuPerStep.length < report.steps.length) cpuPerStep.push(cpu?.() ?? {});
  const rows = report.steps.map((s, i) => {
    const shares = cpuPerStep[i] ?? {};
    const ours = (shares['service'] ?? 0) + (shares['postgres'] ?? 0);
    const answered = s.okPerSecond * s.durationS;
    const requestsPerSecond = rates[i] as number;
    return {
      ...s,
      requestsPerSecond,
      cpu: shares,
      cpuUsPerRequest: ((ours / 100) * s.durationS * 1e6) / Math.max(1, answered),
      sustainable: s.errors === 0 && s.latency.p99 < sustainableP99 && s.okPerSecond >= requestsPerSecond * 0.97,
    };
  });
  return { report, rows };
}

// --- the ramp, then the overload ---------------------------------------------------------------------
const busy = await waitForQuiet(40, parseDuration(values['quiet-wait']));
log(`write-path-http: machine ${busy} % busy before the run (load average ${os.loadavg()[0]?.toFixed(1)})`);
const results: Record<string, unknown> = {};
let ramp: StepRow[] = [];
let sustainable = 0;
let capacity = 0;
let setups = 0;
let accepted = 0;
if (!skip.has('ramp')) {
  log(`write-path-http: ramp ${rampRates.join(' → ')} requests/s, ${stepMs / 1000} s each`);
  const { report, rows } = await drive('ramp', rampRates, stepMs);
  setups++;
  ramp = rows;
  for (const row of rows) {
    if (!row.sustainable) break;
    sustainable = row.requestsPerSecond;
  }
  capacity = Math.max(0, ...rows.map((r) => r.okPerSecond));
  accepted += report.events.accepted;
  results['ramp'] = { steps: rows, report: { ...report, steps: undefined } };
}
let overload: { row: StepRow; rate: number; capacity: number; goodputPercent: number } | undefined;
if (!skip.has('overload')) {
  const overloadRate = Number(values['overload-rate'] ?? Number(values['overload-factor']) * (sustainable || capacity));
  if (!(overloadRate > 0)) throw new Error('--overload-rate: needed when the ramp is skipped');
  log(`write-path-http: overload ${Math.round(overloadRate)} requests/s for ${values['overload-duration']}`);
  const { report, rows } = await drive('overload', [overloadRate], parseDuration(values['overload-duration']));
  setups++;
  const row = rows[0] as StepRow;
  accepted += report.events.accepted;
  const base = capacity || Number.NaN;
  overload = { row, rate: overloadRate, capacity: base, goodputPercent: (row.okPerSecond / base) * 100 };
  results['overload'] = { ...overload, report: { ...report, steps: undefined } };
}

// Why the service refused (bss_requests_shed_total by reason), before the check drops its schema.
results['shedByReason'] = Object.fromEntries(
  (await scrape(service.url))
    .filter((m) => m.name === 'bss_requests_shed_total')
    .map((m) => [m.labels['reason'] ?? '?', m.value]),
);

// --- no lost events, by record id; the counts (accepted CDRs, usage rows, usage events in the log) too --
const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
const kafka = createKafkaEventLog({ brokers: brokers.split(','), clientId: 'bss-bench-wp' });
const noLost = await noLostEvents({
  db,
  kafka,
  schema,
  topic: topicPrefix + EVENTS_TOPIC,
  ledger,
  acceptedCdrs: accepted,
  setupEvents: setups * customers * SETUP_EVENTS_PER_CUSTOMER,
}).finally(async () => {
  await kafka.close();
  // The service first: its relay and gauges would otherwise query a schema that is gone.
  await service.stop();
  await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
  await db.end();
  await deleteTopicsWithPrefix(brokers, topicPrefix);
});
results['noLostEvents'] = noLost;
log(`write-path-http: no lost events ${noLost.pass ? 'PASS' : 'FAIL'}: ${noLost.measured}`);
if (profileDir) {
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (file) results['profile'] = { file: `${profileDir}/${file}`, ...hotSpots(`${profileDir}/${file}`, 25) };
}

// --- report -------------------------------------------------------------------------------------------
const name = values.tag ? `write-path-http-${values.tag}` : 'write-path-http';
const command = `npm run bench -- write-path-http ${process.argv.slice(2).join(' ')}`.trim();
const file = writeJsonResult(name, {
  date: new Date().toISOString(),
  machine: { ...machineInfo(), loadAverage: os.loadavg(), busyBeforeRun: busy },
  command,
  options: values,
  ceilings,
  sustainableRequestsPerSecond: sustainable,
  capacityOkPerSecond: capacity,
  ...results,
});
/** The service's CPU over the step per answer of either kind: refusals cost CPU too. */
const serviceUsPerAnswer = (r: StepRow) =>
  (((r.cpu['service'] ?? 0) / 100) * r.durationS * 1e6) / Math.max(1, r.okPerSecond * r.durationS + r.shed);
const cpuCell = (c: Record<string, number>) =>
  `${c['service'] ?? '–'}/${c['postgres'] ?? '–'}/${c['kafka'] ?? '–'}/${c['bench'] ?? '–'}/${c['machine'] ?? '–'}`;
const stepTable = (rows: StepRow[]) =>
  markdownTable(
    [
      'offered req/s',
      'answered OK/s',
      'p50 ms',
      'p99 ms',
      'failed',
      '503 shed',
      'timeouts',
      'client wait p99 ms',
      'CPU µs/request',
      'CPU svc/pg/kafka/bench/machine %',
      'ok',
    ],
    rows.map((r) => ({
      'offered req/s': rate(r.requestsPerSecond),
      'answered OK/s': rate(r.okPerSecond),
      'p50 ms': ms(r.latency.p50),
      'p99 ms': ms(r.latency.p99),
      failed: r.errors - r.shed,
      '503 shed': r.shed,
      timeouts: r.timeouts,
      'client wait p99 ms': ms(r.clientWait.p99),
      'CPU µs/request': Math.round(r.cpuUsPerRequest),
      'CPU svc/pg/kafka/bench/machine %': cpuCell(r.cpu),
      ok: r.sustainable ? 'yes' : 'no',
    })),
  );
const lines = [
  `Run ${new Date().toISOString()} — \`${command}\` — JSON: \`${file.replace(REPO, '')}\` — machine ${busy} % busy before the run, load average ${os.loadavg()[0]?.toFixed(1)} at the end (${os.availableParallelism()} cores)`,
  '',
];
if (ceilings)
  lines.push(
    `Ceilings: \`pgbench -N\` (16 clients) **${rate(ceilings.pgbenchTps)} tps**; Fastify hello-world ${rate(ceilings.fastifyHelloPerSecond)} req/s (p99 ${ms(ceilings.fastifyHelloP99Ms)} ms).`,
    '',
  );
if (ramp.length) {
  const best = ramp.find((r) => r.requestsPerSecond === sustainable);
  lines.push(
    stepTable(ramp),
    '',
    `Highest sustainable step (no failure or refusal, p99 < ${sustainableP99} ms, ≥ 97 % answered): **${rate(sustainable)} requests/s**` +
      (ceilings && best
        ? ` = **${(best.okPerSecond / ceilings.pgbenchTps).toFixed(2)} × pgbench -N**, ${Math.round(best.cpuUsPerRequest)} µs CPU per request`
        : '') +
      `; capacity (most answered OK/s in any step) ${rate(capacity)}/s.`,
    '',
  );
}
if (overload) {
  const r = overload.row;
  lines.push(
    `Overload: ${rate(overload.rate)} requests/s for ${r.durationS.toFixed(0)} s — goodput ${rate(r.okPerSecond)}/s = **${overload.goodputPercent.toFixed(0)} % of capacity**; ` +
      `${r.shed} refused with 503 (${r.shedWithoutRetryAfter} without Retry-After), refusal p50 ${ms(r.shedLatency.p50)} ms / p99 **${ms(r.shedLatency.p99)} ms** from the schedule, ` +
      `p99 ${ms(r.shedExchange.p99)} ms from its connection's handover (the rest is the load client's own delay); ` +
      `answered p99 ${ms(r.latency.p99)} ms; other failures ${r.errors - r.shed}, timeouts ${r.timeouts}; ` +
      `service CPU ${Math.round(serviceUsPerAnswer(r))} µs per answer (OK or 503). ` +
      `Refusals by reason over the whole run: ${JSON.stringify(results['shedByReason'])}.`,
    '',
    stepTable([r]),
    '',
  );
}
lines.push(
  `No lost events, by record id (every acknowledged CDR stored and logged, none twice, none never sent): ` +
    `**${noLost.pass ? 'PASS' : 'FAIL'}** — ${noLost.counts}`,
  '',
  ...noLost.statements.map((s) => `- ${s}`),
  '',
);
const profile = results['profile'] as ReturnType<typeof hotSpots> | undefined;
if (profile)
  lines.push(
    markdownTable(
      ['function (service, self time)', 'self %'],
      profile.functions.slice(0, 15).map((f) => ({ 'function (service, self time)': f.name, 'self %': f.selfPercent })),
    ),
    '',
  );
replaceSection(`${RESULTS_DIR}/WRITE-PATH.md`, name, lines.join('\n'));
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(0);
