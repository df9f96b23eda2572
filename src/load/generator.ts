import { randomBytes } from 'node:crypto';
import { InFlight, drive } from './drive.ts';
import { jsonClient } from './http.ts';
import { Meter } from './meter.ts';
import { mixPicker, operationRate } from './mix.ts';
import { Operations } from './operations.ts';
import { schedule } from './pacing.ts';
import { seededRandom, zipfSampler } from './random.ts';
import { loadReport, mediationReport } from './report.ts';
import { setupCustomers } from './setup.ts';
import type { LoadOptions, LoadReport } from './types.ts';

export { setupCustomers } from './setup.ts';
export { PRODUCED } from './operations.ts';
export { UsageLedger } from './usage-ledger.ts';
export type { LoadOptions, LoadReport, LoadStep, MediationReport, Progress, StepReport } from './types.ts';

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const { urls, mix, usageBatch, steps } = options;
  if (urls.length === 0) throw new RangeError('at least one URL');
  const connections = options.connections ?? 64;
  const runId = randomBytes(4).toString('hex');
  const random = seededRandom(options.seed ?? 1);
  const client = jsonClient(options.apiKey, connections, options.timeoutMs);
  const startedAt = new Date();
  try {
    const setupStarted = performance.now();
    const setupConcurrency = options.setupConcurrency ?? 16;
    const targets = await setupCustomers(client, urls, runId, options.customers, setupConcurrency, options.onSetup);
    const setupS = (performance.now() - setupStarted) / 1000;
    const notBefore = Date.now() + 1;

    const pickCustomer = zipfSampler(targets.length, options.zipf, random);
    const plan = schedule(
      steps.map((s) => ({ durationMs: s.durationMs, opsPerSecond: operationRate(s.eventsPerSecond, mix, usageBatch) })),
    );
    const meter = new Meter(steps);
    const t0 = performance.now();
    const feed = options.mediation;
    const operations = new Operations({
      runId,
      urls,
      targets,
      pickCustomer,
      random,
      usageBatch,
      notBefore,
      idempotencyKeys: options.idempotencyKeys ?? false,
      client,
      meter,
      t0,
      feed,
      ledger: options.ledger,
    });
    const flight = new InFlight();
    const stoppedAtMs = await drive(
      {
        plan,
        steps,
        pickOperation: mixPicker(mix),
        usageBatch,
        meter,
        operations,
        t0,
        progressMs: options.progressMs ?? 1_000,
        onProgress: options.onProgress,
        signal: options.signal,
      },
      flight,
    );
    await flight.drain(options.drainMs ?? 60_000);
    const durationS = (performance.now() - t0) / 1000;
    const mediation =
      feed && (await mediationReport(feed, operations, meter, stoppedAtMs, options.mediationDrainMs ?? 120_000));
    const config = { steps, mix, customers: options.customers, zipf: options.zipf, usageBatch, connections };
    return loadReport(config, meter, {
      runId,
      urls,
      startedAt,
      setupS,
      durationS,
      stoppedAtMs,
      completed: flight.completed,
      unfinished: flight.count,
      mediation,
    });
  } finally {
    client.close();
  }
}
