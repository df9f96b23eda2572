// One chaos run: the private stack, customers, the open-loop client, the faults one at a time (each
// followed by recovery: both instances ready and writing again, then a settle period), then the
// checks. Returns what the report prints; the caller decides what is acceptable.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { outboxRows } from '../../test/support/private-stack.ts';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../src/observability/logger.ts';
import { jsonClient } from '../../src/load/http.ts';
import { setupCustomers } from '../../src/load/generator.ts';
import { check, type Checks } from './checks.ts';
import { startClient } from './client.ts';
import { FAULTS, type Timings } from './faults.ts';
import { Ledger } from './ledger.ts';
import { startStack, type Stack } from './stack.ts';

export interface ChaosOptions {
  readonly opsPerSecond: number;
  readonly customers: number;
  /** Normal traffic before the first fault and after each recovery. */
  readonly settleMs: number;
  readonly timings: Timings;
  /** 1, or 3 (the three-broker cluster, where the Kafka fault kills one broker). */
  readonly brokers: number;
  /** Fault names to run (default: all, in order). */
  readonly faults?: readonly string[];
  readonly retryBudgetMs: number;
  readonly logger: Logger;
}

export interface FaultResult {
  readonly name: string;
  readonly description: string;
  readonly note: string;
  readonly downS: number;
  readonly attempts: number;
  readonly errorsByStatus: Record<string, number>;
  /** Per instance, ms from the give-back to its first acknowledged write sent after it; null = none. */
  readonly recoveryMs: Record<string, number | null>;
  readonly lost: number;
  readonly doubled: number;
}

export interface ChaosReport {
  readonly startedAt: string;
  readonly durationS: number;
  readonly options: Omit<ChaosOptions, 'logger'>;
  readonly faults: FaultResult[];
  readonly acknowledged: number;
  readonly abandoned: Ledger['abandoned'];
  readonly refused: Ledger['refused'];
  readonly checks: Checks;
  /** Lines of the instances' stderr that tell of a crash or an unhandled error. */
  readonly crashes: string[];
  /** The instances' error log lines (level error or fatal), counted by message and error. */
  readonly errorLogs: Record<string, number>;
}

const ADMIN_KEY = `chaos-admin-${randomBytes(12).toString('hex')}`;

async function ready(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) })).status === 200;
  } catch {
    return false;
  }
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** ms from healedAt to each instance's first acknowledged write sent after it (null: none in time). */
async function recovery(stack: Stack, ledger: Ledger, healedAt: number, timeoutMs: number) {
  const first = (i: number) => ledger.attempts.find((a) => a.ok && a.instance === i && a.sentAt >= healedAt);
  await until('a write on every instance', () => stack.instances.every((_, i) => first(i)), timeoutMs);
  return Object.fromEntries(
    stack.instances.map((inst, i) => [inst.name, first(i) ? (first(i)?.doneAt ?? 0) - healedAt : null]),
  );
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { logger } = options;
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'bss-chaos-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as its own user when we are root: it must reach its data dir
  logger.info({ dir, brokers: options.brokers }, 'starting the private stack');
  const stack = await startStack({ dir, adminKey: ADMIN_KEY, brokers: options.brokers });
  try {
    const urls = stack.instances.map((i) => i.url);
    const runId = randomBytes(3).toString('hex');
    const setup = jsonClient(ADMIN_KEY, 4);
    const targets = await setupCustomers(setup, urls, runId, options.customers, 2);
    setup.close();
    const ledger = new Ledger();
    for (const t of targets) {
      ledger.acknowledged.push({
        kind: 'customer',
        eventType: 'customer.created',
        subject: t.customerId,
        customerId: t.customerId,
        key: '',
        phase: 'setup',
      });
    }
    let phase = 'baseline';
    const client = startClient({
      urls,
      apiKey: ADMIN_KEY,
      opsPerSecond: options.opsPerSecond,
      targets,
      ledger,
      phase: () => phase,
      retryBudgetMs: options.retryBudgetMs,
      runId,
    });
    await sleep(options.settleMs);
    const faults: FaultResult[] = [];
    for (const fault of FAULTS.filter((f) => !options.faults || options.faults.includes(f.name))) {
      phase = fault.name;
      logger.info({ fault: fault.name }, 'injecting');
      const injected = await fault.inject(stack, options.timings);
      const allReady = await until(
        'both instances ready',
        async () => (await Promise.all(urls.map(ready))).every(Boolean),
        90_000,
      );
      const recoveryMs = await recovery(stack, ledger, injected.healedAt, 90_000);
      logger.info(
        {
          fault: fault.name,
          allReady,
          recoveryMs,
          note: injected.note,
          startups: stack.instances.map((i) => i.startups),
        },
        'recovered',
      );
      await sleep(options.settleMs);
      const attempts = ledger.attempts.filter((a) => a.phase === fault.name);
      faults.push({
        name: fault.name,
        description: fault.description,
        note: injected.note,
        downS: (injected.healedAt - injected.injectedAt) / 1000,
        attempts: attempts.length,
        errorsByStatus: Object.fromEntries(
          Object.entries(
            Object.groupBy(
              attempts.filter((a) => !a.ok),
              (a) => a.status,
            ),
          ).map(([s, list]) => [s, list?.length ?? 0]),
        ),
        recoveryMs,
        lost: 0,
        doubled: 0,
      });
    }
    phase = 'after';
    logger.info('stopping the client (in-flight writes finish their retries)');
    await client.stop();
    const drained = await until('the outbox drained', async () => (await outboxRows(stack.postgres.url)) === 0, 90_000);
    if (!drained) logger.warn('the outbox did not drain in 90 s');
    await sleep(3000); // cache invalidations of the last writes reach both instances
    logger.info({ acknowledged: ledger.acknowledged.length }, 'checking');
    const checks = await check(stack, ledger, ADMIN_KEY);
    for (const f of faults) Object.assign(f, checks.byPhase[f.name] ?? { lost: 0, doubled: 0 });
    const crashes = stack.instances.flatMap((i) =>
      i
        .stderr()
        .split('\n')
        .filter((l) => /unhandled|uncaught|FATAL/i.test(l))
        .map((l) => `${i.name}: ${l.slice(0, 300)}`),
    );
    const errorLogs = countErrorLogs(stack.instances.map((i) => i.stdout()).join('\n'));
    const { logger: _, ...rest } = options;
    return {
      startedAt: new Date(started).toISOString(),
      durationS: (Date.now() - started) / 1000,
      options: rest,
      faults,
      acknowledged: ledger.acknowledged.length,
      abandoned: ledger.abandoned,
      refused: ledger.refused,
      checks,
      crashes,
      errorLogs,
    };
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Error and fatal lines of pino JSON logs, counted by message and error (what a 500 was, say). */
export function countErrorLogs(log: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { type?: string; message?: string } };
      if ((entry.level ?? 0) < 50) continue;
      const what = `${entry.msg ?? ''}${entry.err ? `: ${entry.err.type ?? ''} ${entry.err.message ?? ''}` : ''}`;
      const key = what.slice(0, 160);
      counts[key] = (counts[key] ?? 0) + 1;
    } catch {
      // not a log line
    }
  }
  return counts;
}
