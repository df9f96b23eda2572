// What the machine gives the parts the service is made of, measured the same day on the same cores:
// PostgreSQL COPY ingest of usage-like rows, a Fastify hello-world under autocannon, and (from
// bench/event-log/ceilings.ts) Kafka's own ProducerPerformance. The service's figures are then a % of each.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import autocannon from 'autocannon';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { startCpu, type CpuTarget } from '../lib/cpu.ts';

export interface CopyResult {
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly rowBytes: number;
  readonly cpu: Record<string, number>;
}

/**
 * COPY FROM STDIN of `rows` rows shaped like usage_records (same columns and indexes, a jsonb state of
 * the size a rated record has) into a fresh table of its own schema, in batches of `batch` rows per
 * COPY (one transaction each), `parallel` connections at once.
 */
export async function postgresCopy(
  url: string,
  schema: string,
  rows: number,
  options: { batch?: number; parallel?: number; server?: CpuTarget } = {},
): Promise<CopyResult> {
  const batch = options.batch ?? 10_000;
  const parallel = options.parallel ?? 2;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.query(`CREATE TABLE "${schema}".usage_records (
    id text PRIMARY KEY, customer_id text NOT NULL, status text NOT NULL, subscription_id text NOT NULL,
    started_at timestamptz NOT NULL, state jsonb NOT NULL, version int NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)`);
  await admin.query(`CREATE INDEX ON "${schema}".usage_records (customer_id, started_at)`);
  await admin.query(`CREATE INDEX ON "${schema}".usage_records (subscription_id, seq)`);
  await admin.query(`CREATE UNIQUE INDEX ON "${schema}".usage_records (seq)`);
  const now = new Date().toISOString();
  const line = (i: number): string => {
    const id = `rec-${i}`;
    const customer = `cus-${i % 1000}`;
    const sub = `sub-${i % 1000}`;
    const state = JSON.stringify({
      status: 'RATED',
      recordId: id,
      subscriptionId: sub,
      customerId: customer,
      usageType: 'voice',
      quantity: 125,
      unit: 'second',
      startedAt: now,
      at: now,
      planId: 'basic',
      planVersion: 2,
      tariff: { amount: 9, currency: 'EUR' },
      tariffUnit: 'minute',
      amount: { amount: 19, currency: 'EUR' },
    });
    return `${id}\t${customer}\tRATED\t${sub}\t${now}\t${state.replaceAll('\\', '\\\\')}\t1\t${now}\t${now}\n`;
  };
  const rowBytes = Buffer.byteLength(line(0));
  const clients = await Promise.all(
    Array.from({ length: parallel }, async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  const cpu = startCpu({ postgres: options.server ?? { pid: process.pid }, bench: { pid: process.pid } });
  const started = performance.now();
  let next = 0;
  await Promise.all(
    clients.map(async (client) => {
      while (next < rows) {
        const from = next;
        next = Math.min(rows, next + batch);
        const to = next;
        const stream = client.query(
          copyFrom(
            `COPY "${schema}".usage_records (id, customer_id, status, subscription_id, started_at, state, version, created_at, updated_at) FROM STDIN`,
          ),
        );
        await pipeline(
          Readable.from(
            (function* () {
              for (let i = from; i < to; i += 500) {
                let chunk = '';
                for (let j = i; j < Math.min(to, i + 500); j++) chunk += line(j);
                yield chunk;
              }
            })(),
          ),
          stream,
        );
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const shares = cpu();
  await Promise.all(clients.map((c) => c.end()));
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.end();
  return { rows, seconds, rowsPerSecond: rows / seconds, rowBytes, cpu: shares };
}

export interface HelloResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly connections: number;
  readonly seconds: number;
  readonly cpu: Record<string, number>;
}

const HELLO = `
import Fastify from 'fastify';
const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
app.post('/echo', async (request) => ({ n: Array.isArray(request.body?.records) ? request.body.records.length : 0 }));
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(address + '\\n');
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
`;

/** A Fastify hello-world in its own Node process, driven by autocannon (closed loop) from this one. */
export async function fastifyHello(repo: string, seconds: number, connections = 50): Promise<HelloResult> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', HELLO], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [first] = (await once(child.stdout, 'data')) as [Buffer];
  const url = first.toString().trim();
  const cpu = startCpu({ fastify: { pid: child.pid as number }, autocannon: { pid: process.pid } });
  const result = await autocannon({ url, connections, duration: seconds, pipelining: 1 });
  const shares = cpu();
  child.kill('SIGTERM');
  await once(child, 'exit');
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    connections,
    seconds,
    cpu: shares,
  };
}
