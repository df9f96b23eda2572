// The cache benchmark: hit ratio under Zipf-distributed reads after a warm-up, and read latency cached
// vs uncached, on the real services (PostgreSQL + Redis). Two layers, said in each row:
//   query — in process: getRow (the database) vs cachedReadModels (L1 + Redis), and Redis alone (an L1
//           of one entry), so the numbers are the cache's, without HTTP;
//   http  — GET /api/v1/customers/:id of a running service process (src/main.ts), end to end.
// Run it with `npm run bench -- cache` (bench/run.sh).
//
//   node bench/cache.bench.ts [--customers 10000] [--reads 50000] [--zipf 0.99] [--concurrency 16]
//
// Prints a table, writes bench/results/cache-<date>.json and refreshes the measured section of
// bench/results/CACHE.md.
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { compose } from '../src/compose.ts';
import { createCache, type LayeredCache } from '../src/cache/index.ts';
import {
  cachedReadModels,
  uncachedReadModels,
  type ReadModels,
} from '../src/application/queries/cached-read-models.ts';
import { createLogger } from '../src/observability/logger.ts';
import { startService } from '../test/support/service-process.ts';
import { mulberry32, zipfSampler } from './lib/bss-events.ts';
import { waitForQuiet } from './lib/cpu.ts';
import { machineInfo, requireEnv, uniqueName } from './lib/machine.ts';
import { RESULTS_DIR, markdownTable, ms, rate, replaceSection, writeJsonResult } from './lib/report.ts';
import { runCalls, type RunResult } from './lib/run.ts';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '10000' },
    reads: { type: 'string', default: '50000' },
    zipf: { type: 'string', default: '0.99' },
    concurrency: { type: 'string', default: '16' },
  },
});
const CUSTOMERS = Number(args.customers);
const READS = Number(args.reads);
const ZIPF = Number(args.zipf);
const CONCURRENCY = Number(args.concurrency);
/** Warm-up reads before each cached measurement: as many as the measurement, same distribution. */
const WARM_UP = READS;
const ADMIN_KEY = `bench-cache-admin-${'k'.repeat(24)}`;

const databaseUrl = requireEnv('BSS_DATABASE_URL');
const redisUrl = requireEnv('BSS_REDIS_URL');
const schema = uniqueName('cache_bench').replaceAll('-', '_');
// No rate limit: the HTTP layer reads ~12,000/s with one key, past the default per-key limit; this
// measures the cache's capacity, not a quota.
const env = {
  BSS_DATABASE_URL: databaseUrl,
  BSS_DATABASE_SCHEMA: schema,
  BSS_REDIS_URL: redisUrl,
  BSS_RATE_LIMIT_MAX: '0',
};

interface Row {
  readonly layer: 'query' | 'http';
  readonly measurement: string;
  readonly reads: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Reads served without an origin load, over the measured reads; undefined when uncached. */
  readonly hitRatio?: number;
  readonly l1HitRatio?: number;
  /** CPU other processes took just before (% of one core). */
  readonly busyBefore: number;
}
const rows: Row[] = [];

const composed = await compose(loadConfig({ ...env, BSS_ADMIN_API_KEY: ADMIN_KEY }), {
  logger: createLogger('silent'),
});
const ids = Array.from({ length: CUSTOMERS }, (_, i) => `cus_bench_${String(i).padStart(6, '0')}`);
try {
  const seeded = await runCalls(CUSTOMERS, 16, async (i) => {
    const id = ids[i] as string;
    await composed.application.customers.create({
      customerId: id,
      firstName: 'Bench',
      lastName: `Customer ${i}`,
      email: `${id}@example.com`,
      address: { line1: 'Hauptstraße 1', line2: null, city: 'Wien', postalCode: '1010', country: 'AT' },
    });
  });
  console.log(`seeded ${CUSTOMERS} customers in ${(seeded.elapsedMs / 1000).toFixed(1)} s`);

  /** The same seeded Zipf sequence for every measurement: rank k = ids[k]. */
  const zipfIds = (seed: number) => {
    const pick = zipfSampler(CUSTOMERS, ZIPF, mulberry32(seed));
    return Array.from({ length: READS }, () => ids[pick()] as string);
  };
  const warmUpIds = zipfIds(1);
  const measuredIds = zipfIds(2);

  const measure = async (reads: ReadModels, sequence: readonly string[]): Promise<RunResult> =>
    runCalls(sequence.length, CONCURRENCY, async (i) => {
      if (!(await reads.get('customer', sequence[i] as string))) throw new Error('missing customer');
    });

  const queryRow = async (measurement: string, reads: ReadModels, cache?: LayeredCache) => {
    if (cache) await measure(reads, warmUpIds);
    const before = cache?.stats();
    const busyBefore = await waitForQuiet();
    const run = await measure(reads, measuredIds);
    const after = cache?.stats();
    rows.push({
      layer: 'query',
      measurement,
      reads: run.calls,
      perSecond: run.perSecond,
      p50Ms: run.latency.p50Ms,
      p99Ms: run.latency.p99Ms,
      ...(before && after
        ? {
            hitRatio: 1 - (after.loads - before.loads) / run.calls,
            l1HitRatio: (after.levels.l1.hits - before.levels.l1.hits) / run.calls,
          }
        : {}),
      busyBefore,
    });
  };

  await queryRow('uncached: getRow (PostgreSQL)', uncachedReadModels(composed.db));
  for (const [measurement, l1] of [
    ['cached: L1 + Redis', {}],
    ['cached: Redis only (L1 of 1 entry)', { maxEntries: 1 }],
  ] as const) {
    const cache = createCache({ prefix: `${uniqueName('cache-bench')}:`, redisUrl, l1 });
    try {
      await queryRow(measurement, cachedReadModels(composed.db, cache), cache);
    } finally {
      await cache.close();
    }
  }

  // HTTP: a real service process on the same schema and Redis.
  const service = await startService({ ...env, BSS_ADMIN_API_KEY: ADMIN_KEY });
  try {
    const headers = { 'x-api-key': ADMIN_KEY };
    const http: ReadModels = {
      async get<S>(_kind: string, id: string) {
        const response = await fetch(`${service.url}/api/v1/customers/${id}`, { headers });
        if (response.status !== 200) throw new Error(`GET ${id}: ${response.status}`);
        return {
          state: (await response.json()) as S,
          version: Number(response.headers.get('etag')?.replaceAll('"', '')),
        };
      },
    };
    const stats = async () =>
      (await (await fetch(`${service.url}/api/v1/cache/stats`, { headers })).json()) as {
        loads: number;
        levels: { l1: { hits: number } };
      };
    await measure(http, warmUpIds);
    const before = await stats();
    const busyBefore = await waitForQuiet();
    const run = await measure(http, measuredIds);
    const after = await stats();
    rows.push({
      layer: 'http',
      measurement: 'cached: GET /api/v1/customers/:id',
      reads: run.calls,
      perSecond: run.perSecond,
      p50Ms: run.latency.p50Ms,
      p99Ms: run.latency.p99Ms,
      hitRatio: 1 - (after.loads - before.loads) / run.calls,
      l1HitRatio: (after.levels.l1.hits - before.levels.l1.hits) / run.calls,
      busyBefore,
    });
  } finally {
    await service.stop();
  }
} finally {
  await composed.db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
  await composed.close();
}

const percent = (n: number | undefined) => (n === undefined ? '–' : `${(n * 100).toFixed(1)} %`);
const table = markdownTable(
  ['layer', 'measurement', 'reads', 'reads/s', 'p50 ms', 'p99 ms', 'hit ratio', 'L1 hits', 'busy before %'],
  rows.map((r) => ({
    layer: r.layer,
    measurement: r.measurement,
    reads: rate(r.reads),
    'reads/s': rate(r.perSecond),
    'p50 ms': ms(r.p50Ms),
    'p99 ms': ms(r.p99Ms),
    'hit ratio': percent(r.hitRatio),
    'L1 hits': percent(r.l1HitRatio),
    'busy before %': r.busyBefore,
  })),
);
console.log(table);

const info = machineInfo();
const date = new Date();
const workload = `${CUSTOMERS.toLocaleString('en-US')} customers, ${READS.toLocaleString('en-US')} reads after ${WARM_UP.toLocaleString('en-US')} warm-up reads (cached rows), Zipf s=${ZIPF} over the customers, ${CONCURRENCY} concurrent readers (closed loop)`;
const file = writeJsonResult('cache', { date: date.toISOString(), machine: info, workload, rows }, date);
const command = `npm run bench -- cache${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
replaceSection(
  `${RESULTS_DIR}/CACHE.md`,
  'measured',
  `Measured ${date.toISOString().slice(0, 16).replace('T', ' ')} UTC with \`${command}\` (raw: \`${file.slice(file.indexOf('bench/results/'))}\`).

Machine: ${info.cpus} CPUs (${info.cpuModel}), ${info.memoryGiB} GiB, ${info.os}; Node ${info.node}; PostgreSQL and Redis of scripts/services.sh on loopback.

Workload: ${workload}. Hit ratio = 1 − origin loads / reads during the measured reads; L1 hits = reads answered in process.

${table}
`,
);
