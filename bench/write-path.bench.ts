// The command path alone: usage commands of --usage-batch records (default 1: the work of one POST /usage
// with one record) from C concurrent callers, in process, on PostgreSQL (single-server mode: the log table is
// the outbox), against `pgbench -N` (16 clients) on the same server in the same run as the ceiling.
// Reports commands/s as a ratio to pgbench -N tps, p99, failures and CPU µs per command (this process
// and PostgreSQL). --tree runs other checkouts' code, so versions are compared back to back.
//
//   node bench/write-path.bench.ts [--tree /tmp/base --tree .] [--clients 64] [--duration 15s] [--rounds 2]
//     [--usage-batch 1000] (CPU µs and the ratio are then per record: the batched path's cost per event)
//     [--work account] (instead of usage: each caller places an order, approves it, authorizes a payment and
//     captures it, for a random customer: the customer, order and payment commands of the e2e mix)
//   BSS_COMMIT_GROUP_* and BSS_SHED_* in the bench's environment go to the service's config;
//   BSS_SERVICES_DIR=/work/main/.services when the services were started from another checkout.
import { parseArgs } from 'node:util';
import { startCpu, type CpuTarget } from './lib/cpu.ts';
import { pgbenchN } from './lib/pgbench.ts';
import { machineInfo, REPO, requireEnv, servicePid, uniqueName } from './lib/machine.ts';
import { markdownTable, replaceSection, RESULTS_DIR, writeJsonResult } from './lib/report.ts';
import { parseDuration } from '../src/cli/load.ts';
import { percentiles } from '../src/load/stats.ts';

const { values } = parseArgs({
  options: {
    tree: { type: 'string', multiple: true, default: [REPO] },
    clients: { type: 'string', default: '64' },
    duration: { type: 'string', default: '15s' },
    rounds: { type: 'string', default: '1' },
    customers: { type: 'string', default: '300' },
    'usage-batch': { type: 'string', default: '1' },
    work: { type: 'string', default: 'usage' },
    tag: { type: 'string' },
  },
});
const clients = Number(values.clients);
const batch = Number(values['usage-batch']);
/** What one unit of the rate is: a command, or a record of a batched command. */
const unit = batch > 1 ? 'record' : 'command';
const durationMs = parseDuration(values.duration);
const url = requireEnv('BSS_DATABASE_URL');
const pgPid = servicePid('postgres');
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Round {
  readonly tree: string;
  readonly commands: number;
  readonly failed: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpu: Record<string, number>;
  readonly cpuUsPerCommand: number;
}

async function measure(tree: string): Promise<Round> {
  const { loadConfig } = await import(`${tree}/src/config.ts`);
  const { compose } = await import(`${tree}/src/compose.ts`);
  const { createLogger } = await import(`${tree}/src/observability/logger.ts`);
  const schema = uniqueName('bench_write_path').replaceAll('-', '_');
  const knobs = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => /^BSS_(COMMIT_GROUP|SHED_)/.test(name)),
  );
  const config = loadConfig({ ...knobs, BSS_DATABASE_URL: url, BSS_DATABASE_SCHEMA: schema, BSS_LOG_LEVEL: 'silent' });
  const services = await compose(config, { logger: createLogger('silent') });
  const app = services.application ?? services.app; // trees before the rename call it app
  try {
    const subscriptions: string[] = [];
    const customerIds: string[] = [];
    const customers = Number(values.customers);
    for (let start = 0; start < customers; start += 16) {
      await Promise.all(
        Array.from({ length: Math.min(16, customers - start) }, async (_, k) => {
          const i = start + k;
          const customerId = await app.customers.create({
            customerId: `cus-${i}`,
            firstName: 'Jan',
            lastName: 'Nowak',
            email: `c${i}@example.com`,
            phone: null,
            address: { line1: 'Rynek 1', line2: null, city: 'Kraków', postalCode: '31-001', country: 'PL' },
          });
          customerIds.push(customerId);
          const orderId = await app.orders.place({ orderId: `ord-${i}`, customerId, items: [{ planId: 'basic' }] });
          await app.orders.approve(orderId);
          const [subscriptionId] = await app.orders.complete(orderId);
          subscriptions.push(subscriptionId);
        }),
      );
    }
    const startedAt = new Date().toISOString();
    const latencies: number[] = [];
    let failed = 0;
    let sequence = 0;
    const targets: Record<string, CpuTarget> = { bench: { pid: process.pid } };
    if (pgPid) targets['postgres'] = { pid: pgPid, withChildren: true };
    const cpu = startCpu(targets);
    const t0 = performance.now();
    const deadline = t0 + durationMs;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < deadline) {
          const n = sequence++;
          if (values.work === 'account') {
            for (const step of accountSteps(
              app,
              n,
              customerIds[Math.floor(Math.random() * customerIds.length)] as string,
            )) {
              const started = performance.now();
              await step().catch(() => failed++);
              latencies.push(performance.now() - started);
            }
            continue;
          }
          const started = performance.now();
          try {
            const result = await app.usage.ingest(
              Array.from({ length: batch }, (_, k) => ({
                recordId: `r-${n}-${k}`,
                subscriptionId: subscriptions[(n * batch + k) % subscriptions.length],
                usageType: 'sms',
                quantity: 1,
                startedAt,
              })),
            );
            if (result.accepted !== batch) failed++;
          } catch {
            failed++;
          }
          latencies.push(performance.now() - started);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const shares = cpu();
    const commands = (latencies.length - failed) * batch;
    const ours = (shares['bench'] ?? 0) + (shares['postgres'] ?? 0);
    const p = percentiles(latencies);
    return {
      tree,
      commands,
      failed,
      perSecond: commands / seconds,
      p50: p.p50,
      p99: p.p99,
      cpu: shares,
      cpuUsPerCommand: ((ours / 100) * seconds * 1e6) / Math.max(1, commands),
    };
  } finally {
    await services.db.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => {});
    await services.close();
  }
}

/** One account's day, command by command: each step is one command, answered before the next is sent. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tree's own Application type
function accountSteps(app: any, n: number, customerId: string): Array<() => Promise<unknown>> {
  const orderId = `ord-b-${n}`;
  const paymentId = `pay-b-${n}`;
  return [
    () => app.orders.place({ orderId, customerId, items: [{ planId: 'basic' }] }),
    () => app.orders.approve(orderId),
    () => app.payments.create({ paymentId, customerId, amount: { amount: 1000, currency: 'EUR' }, method: 'card' }),
    () => app.payments.capture(paymentId),
  ];
}

const rounds: Array<Round & { pgbenchTps: number }> = [];
for (let r = 0; r < Number(values.rounds); r++) {
  for (const tree of values.tree) {
    const tps = pgbenchN(url, 10);
    log(`pgbench -N: ${tps.toFixed(0)} tps; measuring ${tree}`);
    const round = await measure(tree.replace(/\/$/, ''));
    log(JSON.stringify(round));
    rounds.push({ ...round, pgbenchTps: tps });
  }
}

const file = writeJsonResult(values.tag ? `write-path-${values.tag}` : 'write-path', {
  date: new Date().toISOString(),
  machine: machineInfo(),
  command: `node bench/write-path.bench.ts ${process.argv.slice(2).join(' ')}`,
  rounds,
});
const table = markdownTable(
  [
    'tree',
    `${unit}s/s`,
    'pgbench -N tps',
    'ratio',
    'p50 ms',
    'p99 ms',
    'failed',
    'CPU bench/pg/machine %',
    `CPU µs per ${unit} (bench+pg)`,
  ],
  rounds.map((r) => ({
    tree: r.tree.replace(REPO, '.'),
    [`${unit}s/s`]: Math.round(r.perSecond),
    'pgbench -N tps': Math.round(r.pgbenchTps),
    ratio: (r.perSecond / r.pgbenchTps).toFixed(2),
    'p50 ms': r.p50.toFixed(1),
    'p99 ms': r.p99.toFixed(1),
    failed: r.failed,
    'CPU bench/pg/machine %': `${r.cpu['bench'] ?? '–'}/${r.cpu['postgres'] ?? '–'}/${r.cpu['machine'] ?? '–'}`,
    [`CPU µs per ${unit} (bench+pg)`]: Math.round(r.cpuUsPerCommand),
  })),
);
const text = `Run ${new Date().toISOString()} — \`node bench/write-path.bench.ts ${process.argv.slice(2).join(' ')}\` — JSON: \`${file.replace(REPO, '')}\`\n\n${table}\n`;
replaceSection(`${RESULTS_DIR}/TUNING.md`, values.tag ? `write-path-${values.tag}` : 'write-path', text);
process.stdout.write(`${text}\n`);
process.exit(0);
