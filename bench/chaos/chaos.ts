// `npm run chaos [-- --profile short|full] [--kafka-cluster] [--faults a,b] [--rate N]`: the fault-injection
// suite against its own private PostgreSQL, Redis and Kafka (see bench/chaos/run.ts), with the report
// printed and written to bench/results/CHAOS.md. Exit code 1 when anything was lost or doubled, a
// check failed, or an instance took longer than 15 s to write again.
import { parseArgs } from 'node:util';
import { createLogger } from '../../src/observability/logger.ts';
import { runChaos, type ChaosOptions, type ChaosReport } from './run.ts';
import { checksText, faultTable, writeReport } from './report.ts';

export const RECOVERY_TARGET_MS = 15_000;

export const PROFILES = {
  short: {
    opsPerSecond: 10,
    customers: 12,
    settleMs: 3000,
    retryBudgetMs: 60_000,
    timings: { instanceDownMs: 3000, kafkaDownMs: 8000, postgresDownMs: 5000, redisDownMs: 8000 },
  },
  full: {
    opsPerSecond: 40,
    customers: 40,
    settleMs: 10_000,
    retryBudgetMs: 120_000,
    timings: { instanceDownMs: 10_000, kafkaDownMs: 20_000, postgresDownMs: 15_000, redisDownMs: 20_000 },
  },
} as const satisfies Record<string, Omit<ChaosOptions, 'logger' | 'brokers'>>;

/** What is wrong with a run, one line each; empty = it passed. */
export function failures(report: ChaosReport): string[] {
  const c = report.checks;
  const problems: string[] = [];
  for (const [kind, k] of Object.entries(c.byKind)) {
    if (k.lost > 0 || k.doubled > 0) problems.push(`${kind}: ${k.lost} lost, ${k.doubled} doubled`);
  }
  for (const f of report.faults) {
    for (const [instance, ms] of Object.entries(f.recoveryMs)) {
      if (ms === null || ms > RECOVERY_TARGET_MS)
        problems.push(`${f.name}: instance ${instance} wrote again after ${ms} ms`);
    }
  }
  const lists = {
    readModel: c.readModelMismatches,
    balances: c.balanceMismatches,
    reconstruct: c.reconstructMismatches,
    instances: c.instanceDisagreements,
    abandoned: report.abandoned,
    abandonedDoubled: c.abandonedDoubled,
    crashes: report.crashes,
  };
  for (const [name, items] of Object.entries(lists)) if (items.length > 0) problems.push(`${name}: ${items.length}`);
  return problems;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string', default: 'full' },
      'kafka-cluster': { type: 'boolean', default: false },
      faults: { type: 'string' },
      // Operations per second instead of the profile's (the report's section name then says it).
      rate: { type: 'string' },
    },
  });
  const profile = PROFILES[values.profile as keyof typeof PROFILES];
  if (!profile) throw new Error(`--profile: short or full, not ${values.profile}`);
  const cluster = values['kafka-cluster'];
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  if (rate !== undefined && !(rate > 0)) throw new Error(`--rate: operations per second, not ${values.rate}`);
  const report = await runChaos({
    ...profile,
    ...(rate ? { opsPerSecond: rate } : {}),
    brokers: cluster ? 3 : 1,
    ...(values.faults ? { faults: values.faults.split(',') } : {}),
    logger: createLogger('info'),
  });
  console.log(`\n${faultTable(report)}\n\n${checksText(report)}`);
  const json = writeReport(report, `${values.profile}${cluster ? '-kafka-cluster' : ''}${rate ? `-${rate}ops` : ''}`);
  console.log(`\nwritten: bench/results/CHAOS.md, ${json}`);
  const problems = failures(report);
  if (problems.length > 0) {
    console.error(`FAILED:\n${problems.join('\n')}`);
    process.exitCode = 1;
  }
}
