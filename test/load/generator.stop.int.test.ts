// runLoad's signal: a ramp can stop early (bench/e2e.bench.ts stops a ramp once it is clearly past
// saturation, instead of queueing calls until the service falls over). Against a real embedded service.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type ServiceProcess } from '../support/service-process.ts';
import { runLoad, UsageLedger } from '../../src/load/generator.ts';
import { parseMix } from '../../src/load/mix.ts';

const ADMIN_KEY = 'load-stop-admin-key-0123456789abcdef';
let service: ServiceProcess;
let dataDir: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bss-load-stop-'));
  service = await startService({ BSS_DATA_DIR: dataDir, BSS_ADMIN_API_KEY: ADMIN_KEY });
});

after(async () => {
  await service?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

test('an aborted run stops sending, lets calls in flight finish, and reports only the steps it began', async () => {
  const stop = new AbortController();
  let windows = 0;
  const ledger = new UsageLedger();
  const report = await runLoad({
    urls: [service.url],
    apiKey: ADMIN_KEY,
    steps: [
      { eventsPerSecond: 200, durationMs: 2_000 },
      { eventsPerSecond: 400, durationMs: 60_000 },
      { eventsPerSecond: 800, durationMs: 60_000 },
    ],
    mix: parseMix('usage=1,read=1'),
    customers: 5,
    zipf: 0,
    usageBatch: 10,
    progressMs: 500,
    signal: stop.signal,
    ledger,
    // Abort in the second step: after the first step's 2 s, at the first progress window past 2.5 s.
    onProgress: (p) => {
      windows++;
      if (p.elapsedS >= 2.5) stop.abort();
    },
  });
  assert.ok(windows >= 5, `${windows} progress windows`);
  assert.equal(report.steps.length, 2, 'the third step never began');
  assert.equal(report.steps[0]?.durationS, 2);
  const second = report.steps[1];
  assert.ok(second && second.durationS > 0 && second.durationS < 60, `second step ran ${second?.durationS} s`);
  assert.ok(report.durationS < 60, `the run ended at ${report.durationS} s, not after the whole plan`);
  assert.ok(report.operations.sent > 0);
  assert.equal(report.operations.unfinished, 0);
  assert.equal(report.operations.completed, report.operations.sent);
  assert.equal(report.errors, 0, JSON.stringify(report.errorsByStatus));
  assert.equal(report.events.accepted, report.events.offered);
  // Every call answered: the ids acknowledged are the ids sent, as many as the events accepted.
  assert.equal(ledger.acknowledged.size, report.events.accepted);
  assert.deepEqual(ledger.acknowledged, ledger.sent);
});
