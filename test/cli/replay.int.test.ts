// `bss replay …` as an operator runs it: a real service process (embedded PGlite, test clock), a
// workload through its HTTP API, then the CLI as a child process against it (BSS_URL, BSS_API_KEY).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSS, runCli } from './run-cli.ts';
import { startService, type ServiceProcess } from '../support/service-process.ts';
import {
  assertSameState,
  billingPeriod,
  httpSend,
  liveView,
  runWorkload,
  type Moment,
} from '../support/replay-workload.ts';

const ADMIN_KEY = 'cli-replay-admin-key-0123456789abcdef';
let service: ServiceProcess;
let dataDir: string;
let customerIds: string[];
let moments: Moment[];

function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(['replay', ...args], { BSS_URL: service.url, BSS_API_KEY: ADMIN_KEY, ...env });
}
const json = async (args: string[]) => {
  const run = await cli([...args, '--json']);
  assert.equal(run.code, 0, `bss replay ${args.join(' ')}: ${run.stderr}`);
  return JSON.parse(run.stdout);
};

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bss-cli-replay-'));
  service = await startService({
    BSS_DATA_DIR: dataDir,
    BSS_ADMIN_API_KEY: ADMIN_KEY,
    BSS_EVENT_PARTITIONS: '3',
    BSS_TEST_CLOCK: new Date(billingPeriod().from).toISOString(),
  });
  ({ customerIds, moments } = await runWorkload(httpSend(service.url, ADMIN_KEY), 'cli', 3));
});
after(async () => {
  // A follower of a job that never ends (a stepped one) does not hold up a graceful shutdown.
  const job = await httpSend(service.url, ADMIN_KEY)('POST', '/api/v1/event-replay/replay', { speed: 'STEP_BY_STEP' });
  const follower = await fetch(`${service.url}/api/v1/event-replay/replay/${job.body.id}/events`, {
    headers: { 'x-api-key': ADMIN_KEY },
  });
  assert.equal(follower.status, 200);
  assert.equal(await service.stop(), 0);
  await follower.body?.cancel();
  await rm(dataDir, { recursive: true, force: true });
});

test('offsets, count and estimate', async () => {
  const offsets = await cli(['offsets']);
  assert.equal(offsets.code, 0, offsets.stderr);
  assert.match(offsets.stdout, /^bss\.events: \d+ events$/m);
  const topic = await json(['offsets', 'bss.events']);
  assert.equal(topic.partitions.length, 3);
  const at = await cli(['offsets', 'bss.events', '--at', moments[1]!.at]);
  assert.match(at.stdout, /^partition 0 {2}offset \d+/m);
  const count = await json(['count']);
  assert.equal(count.count, topic.count);
  const mine = await cli(['count', '--customer', customerIds[0]!, '--from', moments[0]!.at]);
  assert.match(mine.stdout, /^\d+ events$/m);
  const estimate = await json(['estimate', '--from', moments[0]!.at, '--to', moments[1]!.at, '--speed', 'ULTRA_FAST']);
  assert.equal(estimate.estimatedMs, (Date.parse(moments[1]!.at) - Date.parse(moments[0]!.at)) / 100);
});

test('run follows the job with progress on stderr (plain lines off a terminal), then prints the result', async () => {
  const run = await cli(['run', '--speed', 'MAX']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /^job \S+ started; Ctrl-C cancels it/m);
  assert.match(run.stderr, /^replay 100\.0% (\d+)\/\1 events \d+ ev\/s COMPLETED$/m);
  assert.match(run.stdout, /^job \S+ COMPLETED: \d+ delivered, 0 errors/m);
  const detached = await json(['run', '--detach', '--speed', 'STEP_BY_STEP']);
  const cancelled = await json(['cancel', detached.id]);
  assert.equal(cancelled.status, 'CANCELLED');
  const jobs = await json(['jobs']);
  assert.ok(jobs.items.some((j: { id: string }) => j.id === detached.id));
  assert.equal((await json(['job', detached.id])).status, 'CANCELLED');
  const shown = await cli(['job', detached.id]);
  assert.match(shown.stdout, new RegExp(`^${detached.id} {2}CANCELLED {2}\\d+/\\d+ processed, \\d+ delivered$`, 'm'));
});

test('Ctrl-C on a followed replay cancels the job and prints its id (exit 130)', async () => {
  const child = spawn(process.execPath, [BSS, 'replay', 'run', '--speed', 'STEP_BY_STEP'], {
    env: { PATH: process.env['PATH'] ?? '', BSS_URL: service.url, BSS_API_KEY: ADMIN_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdout.resume();
  const exited = once(child, 'exit');
  while (!/started; Ctrl-C cancels it/.test(stderr)) await new Promise((resolve) => setTimeout(resolve, 50));
  child.kill('SIGINT');
  const [code] = (await exited) as [number | null];
  assert.equal(code, 130, stderr);
  const id = /^interrupted: job (\S+) CANCELLED \(bss replay job \1\)$/m.exec(stderr)?.[1];
  assert.ok(id, stderr);
  assert.equal((await json(['job', id])).status, 'CANCELLED');
});

test('reconstruct (now and at a moment), diff and timeline', async () => {
  const send = httpSend(service.url, ADMIN_KEY);
  const now = await json(['reconstruct']);
  for (const id of customerIds) assertSameState(now.customers[id], await liveView(send, id), `cli now ${id}`);
  const then = await json(['reconstruct', '--at', moments[0]!.at, '--customer', customerIds[0]!]);
  assertSameState(then.customers[customerIds[0]!], moments[0]!.views[customerIds[0]!]!, 'cli at subscribed');
  const human = await cli(['reconstruct', '--at', moments[2]!.at]);
  assert.match(human.stdout, new RegExp(`^ {2}${customerIds[1]} {2}ACTIVE {2}balance \\d+\\.\\d{2} EUR`, 'm'));
  const diff = await cli(['diff', '--from', moments[1]!.at, '--to', moments[2]!.at]);
  assert.match(diff.stdout, /^\S+ invoices\.\S+: \(none\) → \{…\}$/m);
  assert.match(diff.stdout, /^\S+ balance\.invoiced: 0 → [1-9]\d*$/m);
  const timeline = await cli(['timeline', '--type', 'customer.created', '--max', '2']);
  assert.equal(
    timeline.stdout
      .trim()
      .split('\n')
      .filter((l) => l.includes('com.droid.bss.customer.created')).length,
    2,
  );
  assert.match(timeline.stdout, /^more: --cursor \S+$/m);
});

test('snapshot, snapshots, restore --dry-run, rebuild', async () => {
  const snapshot = await json(['snapshot', '--group', 'cli-group', '--name', 'cli']);
  const list = await cli(['snapshots', '--group', 'cli-group']);
  assert.match(list.stdout, new RegExp(`^${snapshot.id} `, 'm'));
  assert.equal((await cli(['snapshots', '--group', 'no-such-group'])).stdout, 'no snapshots\n');
  const plan = await cli(['restore', '--group', 'cli-group', '--position', 'latest', '--dry-run']);
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /^would redeliver 0, skips \d+$/m);
  const rebuilt = await cli(['rebuild']);
  assert.match(rebuilt.stdout, /^\d+ events folded; swapped in$/m);
  assert.match(rebuilt.stderr, /^rebuild: folding \d+ events… .+ elapsed$/m);
  assert.match(rebuilt.stdout, new RegExp(`^ {2}customer: ${customerIds.length} rows$`, 'm'));
  // As of a past moment: only the shadow tables, the live read models stay the fold of the whole log.
  const live = await liveView(httpSend(service.url, ADMIN_KEY), customerIds[0]!);
  const past = await cli(['rebuild', '--until', String(billingPeriod().from)]);
  assert.equal(past.code, 0, past.stderr);
  assert.match(past.stdout, /^\d+ events folded; left in the shadow tables$/m);
  assert.deepEqual(await liveView(httpSend(service.url, ADMIN_KEY), customerIds[0]!), live);
});

test('errors: a usage error is 64, no key is a 401 problem (1), a bad BSS_URL is a config error (2)', async () => {
  const usage = await cli(['restore', '--group', 'g']);
  assert.equal(usage.code, 64);
  const unauthenticated = await cli(['count'], { BSS_API_KEY: '' });
  assert.equal(unauthenticated.code, 1);
  assert.match(unauthenticated.stderr, /401 UNAUTHENTICATED/);
  const badUrl = await cli(['count'], { BSS_URL: 'ftp://example' });
  assert.equal(badUrl.code, 2);
  assert.match(badUrl.stderr, /BSS_URL/);
});
