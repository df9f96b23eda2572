import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { DEFAULT_MIX, parseMix } from '../load/mix.ts';
import type { LoadReport, LoadStep, Progress } from '../load/generator.ts';
import type { MediationFeed } from '../load/mediation-feed.ts';
import { ConfigError, loadMediationClientConfig, loadPushgatewayUrl } from '../config.ts';
import { withJobResult, type JobResult } from '../observability/pushgateway.ts';
import { clientConfig, examples, jsonOption, UsageError } from './common.ts';
import { startProgress, type Progress as Bar } from './progress.ts';

export class LoadUsageError extends UsageError {}

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

const progressFields = (p: Progress) =>
  `target ${fmt(p.targetEventsPerSecond)} ev/s offered ${fmt(p.offeredPerSecond)} accepted ${fmt(p.acceptedPerSecond)} ` +
  `p99 ${fmt(p.p99Ms, 1)} ms errors ${p.errors}`;

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

export interface LoadFlags {
  url?: string[];
  apiKey?: string;
  rate?: string;
  duration?: string;
  customers?: string;
  zipf?: string;
  usageBatch?: string;
  mix?: string;
  connections?: string;
  rampStep?: string;
  rampSteps?: string;
  seed?: string;
  json?: boolean;
  out?: string;
  quiet?: boolean;
  usageVia?: string;
  brokers?: string;
  mediationTopic?: string;
  mediationGroup?: string;
  drainTimeout?: string;
}

export async function loadCommand(values: LoadFlags): Promise<number> {
  const defaults = clientConfig({});
  const urls = (values.url?.length ? values.url : [defaults.url]).map((u) => u.replace(/\/+$/, ''));
  const apiKey = values.apiKey ?? defaults.apiKey;
  if (!apiKey) throw new LoadUsageError('an operator or admin key is needed: --api-key or BSS_API_KEY');
  let mix;
  try {
    mix = values.mix ? parseMix(values.mix) : DEFAULT_MIX;
  } catch (error) {
    throw new LoadUsageError((error as Error).message);
  }
  const rate = positive('rate', values.rate, 1_000, false);
  const durationMs = values.duration ? parseDuration(values.duration) : 30_000;
  const rampStep = positive('ramp-step', values.rampStep, 0, false);
  const rampSteps = positive('ramp-steps', values.rampSteps, 0);
  const steps: LoadStep[] = Array.from({ length: 1 + rampSteps }, (_, i) => ({
    eventsPerSecond: rate + i * rampStep,
    durationMs,
  }));
  const usageBatch = positive('usage-batch', values.usageBatch, 100);
  if (usageBatch < 1 || usageBatch > 10_000) throw new LoadUsageError('--usage-batch: 1 to 10000');
  const customers = positive('customers', values.customers, 200);
  if (customers < 1) throw new LoadUsageError('--customers: at least 1');
  const log = (line: string) => {
    if (!values.quiet) process.stderr.write(`${line}\n`);
  };
  const usageVia = values.usageVia ?? 'http';
  if (usageVia !== 'http' && usageVia !== 'kafka') throw new LoadUsageError('--usage-via: http or kafka');
  const drainMs = parseDuration(values.drainTimeout ?? '120s');
  const zipf = positive('zipf', values.zipf, 1, false);
  const connections = positive('connections', values.connections, 64);
  const seed = positive('seed', values.seed, 1);
  const feed = usageVia === 'kafka' ? await openFeed(values) : undefined;
  if (feed) log(`bss load: usage CDRs go to Kafka topic ${feed.topic} (consumer group ${feed.group})`);
  log(
    `bss load: ${urls.join(', ')} — setup of ${customers} customers, then ${steps.map((s) => s.eventsPerSecond).join(' → ')} events/s`,
  );
  const totalS = Math.round(steps.reduce((sum, step) => sum + step.durationMs, 0) / 1000);
  let setup: Bar | undefined;
  let run: Bar | undefined;
  let report: LoadReport;
  try {
    const { runLoad } = await import('../load/generator.ts');
    const options: Parameters<typeof runLoad>[0] = {
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
        if (values.quiet) return;
        setup ??= startProgress('setup', total, { unit: 'customers' });
        setup.update(done);
        if (done === total) setup.stop();
      },
      onProgress: (p) => {
        if (values.quiet) return;
        run ??= startProgress('load', totalS, { unit: 's' });
        run.update(Math.min(totalS, Math.round(p.elapsedS)), undefined, { detail: progressFields(p) });
      },
      ...(feed ? { mediation: feed, mediationDrainMs: drainMs } : {}),
    };
    report = await withJobResult(loadPushgatewayUrl(), 'bss_load', () => runLoad(options), loadResult);
    // The last sample may come just before the end (elapsed 2.9 s of 3): the run did reach it.
    run?.update(totalS);
  } finally {
    run?.stop();
    await feed?.close();
  }
  if (values.out) writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return report.errors > 0 ? 1 : 0;
}

function loadResult(report: LoadReport): Pick<JobResult, 'success' | 'values'> {
  return {
    success: report.errors === 0,
    values: {
      bss_load_events_accepted_per_second: { value: report.events.acceptedPerSecond, help: 'events/s accepted' },
      bss_load_errors: { value: report.errors, help: 'calls of the last load run that failed' },
      bss_load_p99_seconds: { value: report.overall.p99 / 1000, help: 'p99 latency of all calls of the last run' },
    },
  };
}

async function openFeed(values: LoadFlags): Promise<MediationFeed> {
  let defaults;
  try {
    defaults = loadMediationClientConfig(values.brokers);
  } catch (error) {
    if (error instanceof ConfigError) throw new LoadUsageError(`--usage-via kafka: ${error.message}`);
    throw error;
  }
  if (!defaults.brokers) throw new LoadUsageError('--usage-via kafka needs --brokers host:port or BSS_KAFKA_BROKERS');
  const { openMediationFeed } = await import('../load/mediation-feed.ts');
  return openMediationFeed({
    brokers: defaults.brokers,
    topic: values.mediationTopic ?? defaults.topic,
    group: values.mediationGroup ?? defaults.group,
  });
}

export function loadCli(): Command {
  const load = new Command('load')
    .description('drive a realistic open-loop traffic mix against running instances, then report')
    .addOption(new Option('--url <url...>', 'instances (repeatable; default BSS_URL or http://127.0.0.1:BSS_PORT)'))
    .option('--api-key <key>', 'operator or admin key (default BSS_API_KEY, else BSS_ADMIN_API_KEY)')
    .option('--rate <events/s>', 'offered events per second', '1000')
    .option('--duration <d>', 'of each step: 90, 30s, 10m, 1h', '30s')
    .option('--customers <n>', 'customers made in the setup', '200')
    .option('--zipf <s>', 'skew of the customer choice', '1.0')
    .option('--usage-batch <n>', 'CDRs per usage call (1-10000)', '100')
    .option('--mix <mix>', 'operation weights', 'usage=70,order=5,payment=5,customer=5,read=15')
    .option('--connections <n>', 'HTTP connections per instance', '64')
    .option('--ramp-step <events/s>', 'rate added per ramp step')
    .option('--ramp-steps <n>', 'ramp steps after the first, each --duration long')
    .option('--seed <n>', 'random seed (same seed, same traffic)')
    .option('--out <file>', 'also write the JSON report to this file')
    .option('--quiet', 'no progress on stderr')
    .addOption(
      new Option('--usage-via <via>', 'kafka: usage CDRs to the mediation feed topic')
        .choices(['http', 'kafka'])
        .default('http'),
    )
    .option('--brokers <h:p,...>', 'Kafka brokers for --usage-via kafka (default BSS_KAFKA_BROKERS)')
    .option('--mediation-topic <topic>', 'default BSS_TOPIC_PREFIX + BSS_MEDIATION_TOPIC')
    .option('--mediation-group <group>', "the feed's consumer group to wait for")
    .option('--drain-timeout <d>', "wait this long for the feed's lag to reach 0", '120s')
    .addOption(jsonOption())
    .addHelpText('after', '\nExits 1 when any call failed (or the mediation feed did not drain).')
    .action(async function (this: Command) {
      process.exitCode = await loadCommand(this.opts<LoadFlags>());
    });
  return examples(
    load,
    'bss load --api-key $KEY --rate 2000 --duration 1m',
    'bss load --url http://a:8080 --url http://b:8080 --ramp-step 1000 --ramp-steps 4 --out report.json',
  );
}
