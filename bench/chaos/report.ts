// The report: a Markdown table per fault (errors by status, recovery, lost, doubled) and the checks,
// printed and written to bench/results/CHAOS.md (its measured section) and a JSON file.
import { markdownTable, replaceSection, writeJsonResult, RESULTS_DIR } from '../lib/report.ts';
import type { ChaosReport } from './run.ts';

const seconds = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);

export function faultTable(report: ChaosReport): string {
  return markdownTable(
    ['fault', 'down', 'attempts', 'client-visible errors', 'first write after (a / b)', 'lost', 'doubled'],
    report.faults.map((f) => ({
      fault: f.note ? `${f.name} (${f.note})` : f.name,
      down: `${f.downS.toFixed(0)} s`,
      attempts: f.attempts,
      'client-visible errors':
        Object.entries(f.errorsByStatus)
          .sort(([, a], [, b]) => b - a)
          .map(([status, n]) => `${n} × ${status}`)
          .join(', ') || 'none',
      'first write after (a / b)': Object.values(f.recoveryMs).map(seconds).join(' / '),
      lost: f.lost,
      doubled: f.doubled,
    })),
  );
}

export function checksText(report: ChaosReport): string {
  const c = report.checks;
  const kinds = markdownTable(
    ['write', 'acknowledged', 'lost', 'doubled'],
    Object.entries(c.byKind).map(([write, k]) => ({ write, ...k })),
  );
  const list = (name: string, items: readonly string[]) =>
    `- ${name}: ${items.length}${items.length > 0 ? ` (${items.slice(0, 5).join('; ')})` : ''}`;
  return [
    kinds,
    '',
    `- Kafka log: ${c.log.records} records, ${c.log.distinctIds} distinct event ids, ${c.log.republished} republished duplicates (same id, de-duplicated by consumers)`,
    list('read model differs from the ledger', c.readModelMismatches),
    list('balances (paid) differ from the ledger', c.balanceMismatches),
    list(`reconstruct-state differs from the live read (of ${c.customersChecked} customers)`, c.reconstructMismatches),
    list('instances disagree', c.instanceDisagreements),
    list(
      'writes the client gave up on',
      report.abandoned.map((a) => `${a.kind} ${a.subject}: ${a.lastStatus}`),
    ),
    `- of those, done once anyway: ${c.abandonedDone}; done twice: ${c.abandonedDoubled.length}`,
    list(
      'writes refused with a final 4xx',
      report.refused.map((r) => `${r.kind} ${r.subject}: ${r.status} ${r.body}`),
    ),
    list('crash or unhandled-error lines on stderr', report.crashes),
    list(
      'kinds of error log lines of the instances',
      Object.entries(report.errorLogs ?? {})
        .sort(([, a], [, b]) => b - a)
        .map(([what, n]) => `${n} × ${what}`),
    ),
  ].join('\n');
}

/** Writes the JSON and the CHAOS.md section named after the run's profile; returns the JSON path. */
export function writeReport(report: ChaosReport, section: string): string {
  const o = report.options;
  const header = [
    `Run ${report.startedAt}, ${report.durationS.toFixed(0)} s, ${o.opsPerSecond} operations/s open loop, ${o.customers} customers, ` +
      `Kafka ${o.brokers === 1 ? 'one broker' : `${o.brokers} brokers (RF ${o.brokers}, min.insync.replicas 2)`}, ` +
      `${report.acknowledged} acknowledged writes. Machine shared with other sessions (2 cores).`,
  ].join('\n');
  replaceSection(`${RESULTS_DIR}/CHAOS.md`, section, `${header}\n\n${faultTable(report)}\n\n${checksText(report)}`);
  return writeJsonResult(`chaos-${section}`, report);
}
