// `bss load` as an operator runs it: a real embedded service process, the CLI as a child process
// against it for a few seconds, then the JSON report is checked for consistency against itself and
// against the service's own count of appended events.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startService, type ServiceProcess } from '../support/service-process.ts';
import type { LoadReport } from '../../src/load/generator.ts';

const BSS = fileURLToPath(new URL('../../src/cli/bss.ts', import.meta.url));
const ADMIN_KEY = 'cli-load-admin-key-0123456789abcdef';
let service: ServiceProcess;
let dataDir: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bss-load-'));
  service = await startService({ BSS_DATA_DIR: dataDir, BSS_ADMIN_API_KEY: ADMIN_KEY });
});

after(async () => {
  await service?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function eventsAppended(): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('bss_events_total{'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

test('bss load runs the mix for a few seconds with no errors and a consistent report', async () => {
  const before = await eventsAppended();
  const child = spawn(
    process.execPath,
    [
      BSS,
      'load',
      '--url',
      service.url,
      '--rate',
      '400',
      '--duration',
      '3s',
      '--customers',
      '10',
      '--usage-batch',
      '20',
      '--json',
    ],
    { env: { PATH: process.env['PATH'] ?? '', BSS_API_KEY: ADMIN_KEY }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, stderr);
  assert.match(stderr, /offered .* accepted .* p99/, 'live progress on stderr');
  assert.match(stderr, /^setup 100\.0% 10\/10 customers/m, 'setup progress');
  assert.match(stderr, /^load 100\.0% 3\/3 s target 400 ev\/s/m, 'the run to its end, in plain lines off a terminal');
  const report = JSON.parse(stdout) as LoadReport;

  assert.equal(report.errors, 0, JSON.stringify(report.errorsByStatus));
  assert.deepEqual(report.errorsByStatus, {});
  assert.equal(report.operations.unfinished, 0);
  assert.equal(report.operations.completed, report.operations.sent);
  // Every offered event was accepted, at about the target rate (open loop: the schedule, not the server, sets it).
  assert.equal(report.events.accepted, report.events.offered);
  assert.ok(Math.abs(report.events.offeredPerSecond - 400) < 40, `offered ${report.events.offeredPerSecond}/s`);
  // Each call counted once by status and once by latency; the first calls of operations = operations sent.
  const calls = Object.values(report.statuses).reduce((a, b) => a + b, 0);
  const timed = Object.values(report.latency).reduce((a, l) => a + l.count, 0);
  assert.equal(timed, calls);
  assert.equal(report.overall.count, calls);
  const first = ['usage', 'order.place', 'payment.authorize', 'customer.update', 'read'];
  assert.equal(
    first.reduce((a, name) => a + (report.latency[name]?.count ?? 0), 0),
    report.operations.sent,
  );
  assert.ok((report.latency['usage']?.count ?? 0) > 0);
  assert.ok(report.overall.p50 <= report.overall.p95 && report.overall.p95 <= report.overall.p99);
  // The service appended what the generator counted as accepted, plus the setup (per customer:
  // created, order placed, approved, completed, subscription activated).
  assert.equal((await eventsAppended()) - before, report.events.accepted + 10 * 5);
});

test('bss load refuses to run without a key, and names a bad option', async () => {
  const run = async (args: string[]) => {
    const child = spawn(process.execPath, [BSS, 'load', '--url', service.url, ...args], {
      env: { PATH: process.env['PATH'] ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code, stderr };
  };
  const noKey = await run([]);
  assert.equal(noKey.code, 64);
  assert.match(noKey.stderr, /BSS_API_KEY/);
  const badMix = await run(['--api-key', ADMIN_KEY, '--mix', 'usage=1,invoices=1']);
  assert.equal(badMix.code, 64);
  assert.match(badMix.stderr, /unknown operation "invoices"/);
});
