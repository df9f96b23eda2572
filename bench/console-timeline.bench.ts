// The console's timeline over a big log: 1,000,000 valid events (bench/replay/workload.ts, a month of
// per-customer histories) appended in batches to PostgreSQL, then a real service process on that
// schema answers the Timeline's calls, measured by the client (fetch, keep-alive): the histogram of the
// whole log and of a zoomed day (unfiltered, and filtered by a type, a customer, free text), the first
// page, a page behind a deep cursor (half the log in), a customer's first page, a rare type and free
// text; and, in Debian's chromium, the Timeline page until its histogram and rows show.
//
//   node bench/console-timeline.bench.ts [--events 1000000] [--repeat 15] [--browser true]
//
// Results: a table on stdout, bench/results/console-timeline-<date>.json and the measured section of
// bench/results/CONSOLE.md. The console's first-load JavaScript (gzip) is reported too.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { createPgliteDb } from '../src/store/pglite-db.ts';
import { createPostgresDb } from '../src/store/postgres-db.ts';
import { startService } from '../test/support/service-process.ts';
import { launchBrowser } from '../test/console/support/browser.ts';
import { fillLog, type Filled } from './console/fill.ts';
import { waitForQuiet } from './lib/cpu.ts';
import { machineInfo, REPO, requireEnv, uniqueName } from './lib/machine.ts';
import { RESULTS_DIR, markdownTable, ms, rate, replaceSection, writeJsonResult } from './lib/report.ts';
import { percentile } from './lib/stats.ts';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    repeat: { type: 'string', default: '15' },
    browser: { type: 'string', default: 'true' },
    // postgres (BSS_DATABASE_URL) or pglite (embedded, in a data directory).
    log: { type: 'string', default: 'postgres' },
    // Reuse (and keep) a filled PostgreSQL schema or PGlite data directory instead of a fresh one.
    schema: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});
const EVENTS = Number(args.events);
const REPEAT = Number(args.repeat);
const PARTITIONS = 12;
const KEY = 'bench_console_admin_key_0123456789abcdef';
const PGLITE = args.log === 'pglite';
if (!PGLITE && args.log !== 'postgres') throw new Error(`--log is postgres or pglite, not ${args.log}`);
const url = PGLITE ? '' : requireEnv('BSS_DATABASE_URL');
const schema = args.schema ?? uniqueName('bench_console').replaceAll('-', '_');
const dataDir = args['data-dir'] ?? (PGLITE ? mkdtempSync(join(tmpdir(), 'bench-console-')) : '');
const kept = PGLITE ? args['data-dir'] !== undefined : args.schema !== undefined;
const date = new Date();

interface Row {
  measurement: string;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  busyBefore: number;
  note: string;
}
const rows: Row[] = [];

// The service keeps its PGlite database in <BSS_DATA_DIR>/pglite (src/compose.ts): filling the data
// directory itself left the service an empty log (histogram total 0).
const openDb = () =>
  PGLITE ? createPgliteDb(join(dataDir, 'pglite')) : createPostgresDb({ url, schema, maxConnections: 8 });
const serviceEnv = (): Record<string, string> => ({
  ...(PGLITE ? { BSS_DATA_DIR: dataDir } : { BSS_DATABASE_URL: url, BSS_DATABASE_SCHEMA: schema }),
  BSS_EVENT_PARTITIONS: String(PARTITIONS),
  BSS_ADMIN_API_KEY: KEY,
});

async function fill() {
  const db = await openDb();
  try {
    return await fillLog(db, EVENTS, PARTITIONS);
  } finally {
    await db.close();
  }
}

async function dropLog(): Promise<void> {
  if (kept) return;
  if (PGLITE) return rmSync(dataDir, { recursive: true, force: true });
  const db = await createPostgresDb({ url });
  await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await db.close();
}

async function measure(measurement: string, call: () => Promise<unknown>, note = ''): Promise<void> {
  await call(); // warm-up
  const busyBefore = await waitForQuiet(25, 15_000);
  const samples: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const t = performance.now();
    await call();
    samples.push(performance.now() - t);
  }
  const sorted = samples.sort((a, b) => a - b);
  const row = {
    measurement,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    maxMs: sorted.at(-1)!,
    busyBefore,
    note,
  };
  rows.push(row);
  console.log(
    `${measurement.padEnd(44)} p50 ${ms(row.p50Ms)} ms  p95 ${ms(row.p95Ms)} ms  max ${ms(row.maxMs)} ms  ${note}`,
  );
}

function firstLoadGzip(): number {
  const dir = `${REPO}console/dist/assets`;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .reduce((sum, f) => sum + gzipSync(readFileSync(`${dir}/${f}`)).length, 0);
}

async function browserRender(base: string): Promise<void> {
  const browser = await launchBrowser();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await page.goto(`${base}/console/`);
    await page.getByRole('textbox', { name: 'API key' }).fill(KEY);
    await page.keyboard.press('Enter');
    await page.getByTestId('role').waitFor();
    await measure(
      'chromium: Timeline page → histogram and 50 rows shown',
      async () => {
        await page.goto(`${base}/console/#/live`);
        await page.getByTestId('live-status').waitFor();
        await page.goto(`${base}/console/#/timeline`);
        await page
          .getByTestId('histogram-total')
          .getByText(/events in the window/)
          .waitFor({ timeout: 60_000 });
        await page.getByTestId('timeline-events').locator('tbody tr').nth(49).waitFor({ timeout: 60_000 });
      },
      'includes navigation from Live (hash change, no reload)',
    );
  } finally {
    await browser.close();
  }
}

function report(filled: Filled, settleMs: number, remark: string): void {
  const fillMs = filled.ms;
  const upgrade =
    filled.migrated.length > 0 && fillMs === 0
      ? ` Migrated (${filled.migrated.join(', ')}) in ${(filled.migrateMs / 1000).toFixed(1)} s, then VACUUM ANALYZE event_log in ${(filled.vacuumMs / 1000).toFixed(1)} s.`
      : '';
  const info = machineInfo();
  const gzip = firstLoadGzip();
  const name = PGLITE ? 'console-timeline-pglite' : 'console-timeline';
  writeJsonResult(
    name,
    { date: date.toISOString(), machine: info, events: EVENTS, fillMs, ...filled, settleMs, gzip, rows },
    date,
  );
  const table = markdownTable(
    ['measurement', 'p50 ms', 'p95 ms', 'max ms', 'busy before %', 'note'],
    rows.map((r) => ({
      measurement: r.measurement,
      'p50 ms': ms(r.p50Ms),
      'p95 ms': ms(r.p95Ms),
      'max ms': ms(r.maxMs),
      'busy before %': Math.round(r.busyBefore),
      note: r.note,
    })),
  );
  console.log(`\n${table}`);
  replaceSection(
    `${RESULTS_DIR}/CONSOLE.md`,
    PGLITE ? 'measured-pglite' : 'measured',
    `Last run ${date.toISOString().slice(0, 16).replace('T', ' ')} UTC: \`node bench/console-timeline.bench.ts ${process.argv.slice(2).join(' ')}\` (raw: \`bench/results/${name}-${date.toISOString().slice(0, 10)}.json\`).

Machine: ${info.cpus} CPUs (${info.cpuModel}), ${info.memoryGiB} GiB, ${info.os}; Node ${info.node}. ${remark}

Log: ${rate(EVENTS)} events on ${PGLITE ? 'PGlite (embedded)' : 'PostgreSQL'} (${PARTITIONS} partitions, a month), ${fillMs > 0 ? `appended in ${(fillMs / 1000).toFixed(1)} s (${rate((EVENTS / fillMs) * 1000)} ev/s)` : 'appended by an earlier run (kept log reused)'}.${upgrade} The service's consumers caught up ${(settleMs / 1000).toFixed(1)} s after it started. ${REPEAT} calls per row after one warm-up.

Console first load: ${(gzip / 1024).toFixed(1)} KB of gzip-compressed JavaScript (budget 300 KB).

${table}`,
  );
}

const filled = await fill();
console.log(`filled ${rate(EVENTS)} events in ${(filled.ms / 1000).toFixed(1)} s (${PGLITE ? dataDir : schema})`);
const service = await startService(serviceEnv(), 180_000);
try {
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${service.url}/api/v1${path}`, { headers: { 'x-api-key': KEY } });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  // The service's own consumers (cache invalidation) read the whole log first: measure after them.
  const started = performance.now();
  for (;;) {
    const { groups } = await get<{ groups: { partitions: { lag: number }[] }[] }>('/consumer-groups');
    if (groups.every((g) => g.partitions.every((p) => p.lag === 0)) || performance.now() - started > 600_000) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const settleMs = performance.now() - started;
  // The service's background snapshotter folds the whole log after start: measure once it is done.
  console.log(`quiet after ${Math.round(await waitForQuiet(25, 300_000))} % busy`);
  const whole = await get<{ start: number; end: number; total: number }>('/event-replay/histogram?buckets=60');
  if (whole.total !== EVENTS) throw new Error(`histogram total ${whole.total}, expected ${EVENTS}`);
  const mid = Math.round((whole.start + whole.end) / 2);
  await measure('histogram, whole log (60 buckets)', () => get('/event-replay/histogram?buckets=60'));
  await measure('histogram, one day zoomed (60 buckets)', () =>
    get(`/event-replay/histogram?buckets=60&startTime=${mid}&endTime=${mid + 86_400_000}`),
  );
  await measure('timeline, first page (50)', () => get('/event-replay/timeline?maxEvents=50'));
  // A deep cursor: walk half the log in big pages, as a client paging on would.
  const walkPage = Math.min(10_000, Math.max(100, Math.floor(EVENTS / 20)));
  let cursor: string | null = null;
  const walkStarted = performance.now();
  for (let walked = 0; walked < EVENTS / 2; walked += walkPage) {
    const page: { nextCursor: string | null } = await get(
      `/event-replay/timeline?maxEvents=${walkPage}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    cursor = page.nextCursor;
  }
  const walkMs = performance.now() - walkStarted;
  await measure(
    `timeline, next page (50) behind a cursor ${rate(EVENTS / 2)} deep`,
    () => get(`/event-replay/timeline?maxEvents=50&cursor=${cursor}`),
    `walking there in pages of ${rate(walkPage)}: ${(walkMs / 1000).toFixed(1)} s (${rate((EVENTS / 2 / walkMs) * 1000)} ev/s)`,
  );
  await measure('timeline, page (50) at a time mid-log', () =>
    get(`/event-replay/timeline?maxEvents=50&startTime=${mid}`),
  );
  await measure('timeline, busiest customer, first page (50)', () =>
    get(`/event-replay/timeline?maxEvents=50&customerId=${filled.customer}`),
  );
  // A type the log does not hold: the worst case of a rare filter. One request reads ≤ 10,000 records;
  // the console asks again with the cursor, up to 20 times, until it has a page.
  const rare = '/event-replay/timeline?maxEvents=50&type=customer.suspended';
  await measure('timeline, a type not in the log, one request', () => get(rare), 'reads 10,000 records, then a cursor');
  // What the console does for a page: ask again with the cursor, up to 20 times.
  const consoleAsks = (path: string) => async () => {
    let cursor: string | null = null;
    for (let i = 0; i < 20; i++) {
      const page: { nextCursor: string | null } = await get(`${path}${cursor ? `&cursor=${cursor}` : ''}`);
      if (!(cursor = page.nextCursor)) break;
    }
  };
  await measure('timeline, a type not in the log, the console’s 20 requests', consoleAsks(rare));
  // The histogram of the list's filter: counted in SQL on the database log (type, customer, source);
  // free text reads the records, at most 100,000 a request (then partial).
  interface Counted {
    total: number;
    scanned: number;
    partial: boolean;
    countedBy: string;
  }
  const counted = (h: Counted) =>
    h.countedBy === 'log'
      ? `${rate(h.total)} counted in SQL, exact`
      : `${rate(h.total)} counted of ${rate(h.scanned)} read${h.partial ? ', partial (scan limit)' : ', complete'}`;
  const day = `startTime=${mid}&endTime=${mid + 86_400_000}`;
  for (const [what, path] of [
    ['histogram, whole log, one type', '/event-replay/histogram?buckets=60&type=customer.created'],
    ['histogram, one day zoomed, one type', `/event-replay/histogram?buckets=60&type=customer.created&${day}`],
    ['histogram, whole log, busiest type', '/event-replay/histogram?buckets=60&type=usage.rated'],
    ['histogram, whole log, busiest customer', `/event-replay/histogram?buckets=60&customerId=${filled.customer}`],
    [
      'histogram, whole log, a customer and a type',
      `/event-replay/histogram?buckets=60&customerId=${filled.customer}&type=usage.rated`,
    ],
    ['histogram, whole log, one source', '/event-replay/histogram?buckets=60&source=%2Fbss%2Fapi'],
    ['histogram, one day zoomed, free text', `/event-replay/histogram?buckets=60&q=no-such-text&${day}`],
  ] as const) {
    await measure(what, () => get(path), counted(await get<Counted>(path)));
  }
  // Free text on the server: checked on the raw record before decoding, bounded like a type.
  const text = '/event-replay/timeline?maxEvents=50&q=no-such-text';
  await measure('timeline, free text not in the log, one request', () => get(text), 'reads 10,000 records');
  await measure('timeline, free text not in the log, the console’s 20 requests', consoleAsks(text));
  await measure('timeline, free text = busiest customer’s id, first page', () =>
    get(`/event-replay/timeline?maxEvents=50&q=${filled.customer}`),
  );
  if (args.browser === 'true') await browserRender(service.url);
  report(
    filled,
    settleMs,
    'The machine was shared with other engineers’ builds and tests (busy before % = CPU others used just before a row).',
  );
} finally {
  await service.stop();
  await dropLog();
}
