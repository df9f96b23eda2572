// Where an instance's restart goes (issue 14: the chaos suite's restarted instance wrote again 7–11 s
// after its restart): starts the service (src/main.ts, distributed mode on the shared services, a
// schema, topic prefix and cache prefix of its own), SIGKILLs it, and starts it again, `--restarts`
// times. Per start: each step the service logs once listening (src/observability/startup-steps.ts),
// and the time from spawn to its URL and to its first acknowledged write.
//
//   node bench/startup.bench.ts [--restarts 5] [--label before]
//
// Prints medians per step (wall and CPU ms) and writes bench/results/startup-<label>-<date>.json.
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { randomBytes } from 'node:crypto';
import { startService } from '../test/support/service-process.ts';
import { requireEnv, uniqueName } from './lib/machine.ts';
import { writeJsonResult } from './lib/report.ts';

const { values: args } = parseArgs({
  options: { restarts: { type: 'string', default: '5' }, label: { type: 'string', default: 'run' } },
});

interface Start {
  readonly urlMs: number;
  readonly firstWriteMs: number;
  readonly steps: Record<string, { ms: number; cpuMs: number }>;
}

const adminKey = `startup-${randomBytes(12).toString('hex')}`;
const name = uniqueName('startup').replaceAll('-', '_');
const env = {
  BSS_DATABASE_URL: requireEnv('BSS_DATABASE_URL'),
  BSS_KAFKA_BROKERS: requireEnv('BSS_KAFKA_BROKERS'),
  BSS_REDIS_URL: requireEnv('BSS_REDIS_URL'),
  BSS_DATABASE_SCHEMA: name,
  BSS_TOPIC_PREFIX: `${name}.`,
  BSS_ADMIN_API_KEY: adminKey,
  BSS_LOG_LEVEL: 'info',
};

/** Posts one customer until it is acknowledged; resolves when it was. */
async function firstWrite(url: string, i: number): Promise<void> {
  for (;;) {
    const response = await fetch(`${url}/api/v1/customers`, {
      method: 'POST',
      headers: { 'x-api-key': adminKey, 'content-type': 'application/json', 'idempotency-key': `${name}-${i}` },
      body: JSON.stringify({
        customerId: `${name}-${i}`,
        firstName: 'Start',
        lastName: `Up ${i}`,
        email: `${name}-${i}@startup.example.com`,
        address: { line1: 'ul. Prosta 1', city: 'Warszawa', postalCode: '00-001', country: 'PL' },
      }),
    }).catch(() => undefined);
    if (response?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function start(i: number): Promise<Start> {
  const began = performance.now();
  const service = await startService(env, 120_000);
  const urlMs = performance.now() - began;
  await firstWrite(service.url, i);
  const firstWriteMs = performance.now() - began;
  const line = service
    .stdout()
    .split('\n')
    .find((l) => l.includes('"msg":"started"'));
  await service.stop('SIGKILL');
  const steps = line ? (JSON.parse(line) as { startup: Start['steps'] }).startup : {};
  return { urlMs, firstWriteMs, steps };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const load = loadavg()[0] ?? 0;
const first = await start(0); // migrates the new schema: not a restart
const restarts: Start[] = [];
for (let i = 1; i <= Number(args.restarts); i++) restarts.push(await start(i));
const stepNames = Object.keys(restarts[0]?.steps ?? {});
const summary = {
  label: args.label,
  loadAverageAtStart: load,
  loadAverageAtEnd: loadavg()[0] ?? 0,
  firstStart: first,
  restarts: restarts.length,
  medianUrlMs: Math.round(median(restarts.map((r) => r.urlMs))),
  medianFirstWriteMs: Math.round(median(restarts.map((r) => r.firstWriteMs))),
  medianSteps: Object.fromEntries(
    stepNames.map((s) => [
      s,
      {
        ms: median(restarts.map((r) => r.steps[s]?.ms ?? 0)),
        cpuMs: median(restarts.map((r) => r.steps[s]?.cpuMs ?? 0)),
      },
    ]),
  ),
  all: restarts,
};
console.log(JSON.stringify({ ...summary, all: undefined }, null, 2));
console.log(`written: ${writeJsonResult(`startup-${args.label}`, summary)}`);

const pg = (await import('pg')).default;
const db = new pg.Client({ connectionString: env.BSS_DATABASE_URL });
await db.connect();
await db.query(`DROP SCHEMA "${name}" CASCADE`);
await db.end();
