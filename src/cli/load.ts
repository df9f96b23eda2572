// `bss load`: drives a realistic, open-loop traffic mix against one or several running instances and
// reports throughput, latency percentiles per operation and errors by status. See src/load/.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_MIX, parseMix } from '../load/mix.ts';
import { runLoad, type LoadReport, type LoadStep, type Progress } from '../load/generator.ts';
import { openMediationFeed, type MediationFeed } from '../load/mediation-feed.ts';
import { ConfigError, loadMediationClientConfig } from '../config.ts';

export const LOAD_USAGE = `  load [--url URL]... [--rate EV/S] [--duration D] [options]
                                traffic against running instances (open loop), then a report:
                                --url (repeatable; default BSS_URL or http://127.0.0.1:8080),
                                --api-key K (or BSS_API_KEY; operator or admin), --rate 1000 (events/s),
                                --duration 30s (s, m, h), --customers 200, --zipf 1.0, --usage-batch 100,
                                --mix usage=70,order=5,payment=5,customer=5,read=15, --connections 64,
                                --ramp-step EV/S --ramp-steps N (N more steps, each --duration long),
                                --seed N, --json (report as JSON), --out FILE (JSON report),
                                --usage-via http|kafka (kafka: usage CDRs go to the mediation feed
                                topic, the rest over HTTP; needs a distributed-mode service),
                                --brokers H:P,… (or BSS_KAFKA_BROKERS), --mediation-topic T (default
                                BSS_TOPIC_PREFIX + BSS_MEDIATION_TOPIC), --mediation-group G,
                                --drain-timeout 120s (wait for the feed's consumer lag to reach 0);
                                exits 1 when any call failed (or the feed did not drain)
`;

export class LoadUsageError extends Error {}

/** "90" / "90s" / "10m" / "1h" / "1500ms" → ms. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new LoadUsageError(`--duration: "${text}" is not a duration (e.g. 30s, 10m)`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(match[1]) * unit);
}

function positive(name: string, text: string | undefined, fallback: number, integer = true): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new LoadUsageError(`--${name}: "${text}" is not a ${integer ? 'whole ' : ''}number >= 0`);
  }
  return value;
}

const fmt = (n: number, digits = 0) =>
  Number.isNaN(n) ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function progressLine(p: Progress): string {
  return (
    `[${fmt(p.elapsedS, 0).padStart(4)} s] target ${fmt(p.targetEventsPerSecond)} ev/s  ` +
    `offered ${fmt(p.offeredPerSecond)}  accepted ${fmt(p.acceptedPerSecond)}  ` +
    `p50 ${fmt(p.p50Ms, 1)} ms  p99 ${fmt(p.p99Ms, 1)} ms  errors ${p.errors}  in flight ${p.inFlight}`
  );
}

export function formatReport(report: LoadReport): string {
  const lines = [
    `bss load ${report.runId}: ${report.urls.join(', ')}`,
    `  setup     ${report.config.customers} customers with an active subscription in ${fmt(report.setupS, 1)} s`,
    `  run       ${fmt(report.durationS, 1)} s, operations sent ${report.operations.sent}, completed ${report.operations.completed}`,
    `  events    offered ${report.events.offered} (${fmt(report.events.offeredPerSecond)}/s), accepted ${report.events.accepted} (${fmt(report.events.acceptedPerSecond)}/s)`,
    `  latency   (ms; first call of an operation from its scheduled time)`,
    `    ${'call'.padEnd(18)} ${'count'.padStart(8)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}`,
  ];
  const row = (name: string, l: LoadReport['overall']) =>
    `    ${name.padEnd(18)} ${String(l.count).padStart(8)} ${fmt(l.p50, 1).padStart(8)} ${fmt(l.p95, 1).padStart(8)} ${fmt(l.p99, 1).padStart(8)} ${fmt(l.max, 1).padStart(8)}`;
  for (const [name, l] of Object.entries(report.latency)) lines.push(row(name, l));
  lines.push(row('all', report.overall));
  const feed = report.mediation;
  if (feed) {
    lines.push(
      `  mediation ${feed.produced} CDRs produced to ${feed.topic} (${fmt(feed.producedPerSecond)}/s), ${feed.failed} batches failed; produce p50 ${fmt(feed.produceLatency.p50, 1)} ms, p99 ${fmt(feed.produceLatency.p99, 1)} ms`,
      feed.drain.lag === 0
        ? `  drain     group ${feed.group} caught up (lag 0) ${fmt(feed.drain.seconds, 1)} s after the run`
        : `  drain     group ${feed.group} still ${feed.drain.lag} CDRs behind after ${fmt(feed.drain.seconds, 1)} s`,
    );
  }
  lines.push(
    `  send lag  p99 ${fmt(report.sendLag.p99, 1)} ms, max ${fmt(report.sendLag.max, 1)} ms (generator behind schedule)`,
  );
  if (report.steps.length > 1) {
    lines.push('  steps');
    for (const s of report.steps) {
      lines.push(
        `    ${fmt(s.eventsPerSecond).padStart(7)} ev/s × ${fmt(s.durationS)} s: offered ${fmt(s.offeredPerSecond)}/s, accepted ${fmt(s.acceptedPerSecond)}/s, p50 ${fmt(s.latency.p50, 1)} ms, p99 ${fmt(s.latency.p99, 1)} ms, errors ${s.errors}`,
      );
    }
  }
  const errors = Object.entries(report.errorsByStatus);
  lines.push(
    `  errors    ${report.errors}${errors.length ? `: ${errors.map(([k, v]) => `${k} ×${v}`).join(', ')}` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

export async function loadCommand(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        url: { type: 'string', multiple: true },
        'api-key': { type: 'string' },
        rate: { type: 'string' },
        duration: { type: 'string' },
        customers: { type: 'string' },
        zipf: { type: 'string' },
        'usage-batch': { type: 'string' },
        mix: { type: 'string' },
        connections: { type: 'string' },
        'ramp-step': { type: 'string' },
        'ramp-steps': { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
        out: { type: 'string' },
        quiet: { type: 'boolean' },
        'usage-via': { type: 'string' },
        brokers: { type: 'string' },
        'mediation-topic': { type: 'string' },
        'mediation-group': { type: 'string' },
        'drain-timeout': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new LoadUsageError((error as Error).message);
  }
  const urls = (values.url?.length ? values.url : [process.env['BSS_URL'] ?? 'http://127.0.0.1:8080']).map((u) =>
    u.replace(/\/+$/, ''),
  );
  const apiKey = values['api-key'] ?? process.env['BSS_API_KEY'];
  if (!apiKey) throw new LoadUsageError('an operator or admin key is needed: --api-key or BSS_API_KEY');
  let mix;
  try {
    mix = values.mix ? parseMix(values.mix) : DEFAULT_MIX;
  } catch (error) {
    throw new LoadUsageError((error as Error).message);
  }
  const rate = positive('rate', values.rate, 1_000, false);
  const durationMs = values.duration ? parseDuration(values.duration) : 30_000;
  const rampStep = positive('ramp-step', values['ramp-step'], 0, false);
  const rampSteps = positive('ramp-steps', values['ramp-steps'], 0);
  const steps: LoadStep[] = Array.from({ length: 1 + rampSteps }, (_, i) => ({
    eventsPerSecond: rate + i * rampStep,
    durationMs,
  }));
  const usageBatch = positive('usage-batch', values['usage-batch'], 100);
  if (usageBatch < 1 || usageBatch > 10_000) throw new LoadUsageError('--usage-batch: 1 to 10000');
  const customers = positive('customers', values.customers, 200);
  if (customers < 1) throw new LoadUsageError('--customers: at least 1');
  const log = (line: string) => {
    if (!values.quiet) process.stderr.write(`${line}\n`);
  };
  const usageVia = values['usage-via'] ?? 'http';
  if (usageVia !== 'http' && usageVia !== 'kafka') throw new LoadUsageError('--usage-via: http or kafka');
  const drainMs = parseDuration(values['drain-timeout'] ?? '120s');
  const zipf = positive('zipf', values.zipf, 1, false);
  const connections = positive('connections', values.connections, 64);
  const seed = positive('seed', values.seed, 1);
  const feed = usageVia === 'kafka' ? await openFeed(values) : undefined;
  if (feed) log(`bss load: usage CDRs go to Kafka topic ${feed.topic} (consumer group ${feed.group})`);
  log(
    `bss load: ${urls.join(', ')} — setup of ${customers} customers, then ${steps.map((s) => s.eventsPerSecond).join(' → ')} events/s`,
  );
  let report: LoadReport;
  try {
    report = await runLoad({
      urls,
      apiKey,
      steps,
      mix,
      customers,
      zipf,
      usageBatch,
      connections,
      seed,
      onSetup: (done, total) => {
        if (done === total || done % 100 === 0) log(`setup: ${done}/${total} customers`);
      },
      onProgress: (p) => log(progressLine(p)),
      ...(feed ? { mediation: feed, mediationDrainMs: drainMs } : {}),
    });
  } finally {
    await feed?.close();
  }
  if (values.out) writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return report.errors > 0 ? 1 : 0;
}

/** The feed named by the flags, else by the same variables the service reads. */
async function openFeed(values: {
  brokers?: string | undefined;
  'mediation-topic'?: string | undefined;
  'mediation-group'?: string | undefined;
}): Promise<MediationFeed> {
  let defaults;
  try {
    defaults = loadMediationClientConfig(
      values.brokers ? { ...process.env, BSS_KAFKA_BROKERS: values.brokers } : process.env,
    );
  } catch (error) {
    if (error instanceof ConfigError) throw new LoadUsageError(`--usage-via kafka: ${error.message}`);
    throw error;
  }
  if (!defaults.brokers) throw new LoadUsageError('--usage-via kafka needs --brokers host:port or BSS_KAFKA_BROKERS');
  return openMediationFeed({
    brokers: defaults.brokers,
    topic: values['mediation-topic'] ?? defaults.topic,
    group: values['mediation-group'] ?? defaults.group,
  });
}
