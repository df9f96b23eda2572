// What a refusal costs the server's CPU, next to a Fastify hello-world: each variant of
// bench/refusal/server.ts in its own process, driven by autocannon (POST with a small JSON body, 32
// connections) for --duration; CPU µs per answer from /proc. Decides whether a 503 can stay inside
// Fastify (admission control's onRequest hook) or needs a path before it: at 3 × capacity two
// refusals ride on every command served, so their cost is a share of goodput.
//
//   npm run bench -- refusal-cost [--duration 5s]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { parseDuration } from '../src/cli/load.ts';
import { startCpu } from './lib/cpu.ts';
import { markdownTable, rate, replaceSection, RESULTS_DIR } from './lib/report.ts';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '5s' } } });
const seconds = parseDuration(values.duration) / 1000;
const body = JSON.stringify({ recordId: 'r-1', subscriptionId: 's-1', usageType: 'sms', quantity: 1 });

async function measure(variant: string) {
  const child = spawn(process.execPath, [new URL('./refusal/server.ts', import.meta.url).pathname, variant], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const { port } = JSON.parse(line.toString()) as { port: number };
  const cpu = startCpu({ server: { pid: child.pid as number } });
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/api/v1/usage`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: 32,
    duration: seconds,
  });
  const shares = cpu();
  child.kill();
  const answers = result.requests.total;
  return {
    variant,
    perSecond: answers / seconds,
    status: Object.keys(result.statusCodeStats ?? {}).join(','),
    serverCpu: shares.server,
    machine: shares.machine,
    usPerAnswer: ((shares.server / 100) * seconds * 1e6) / Math.max(1, answers),
  };
}

const rows = [];
for (const variant of ['fastify-hello', 'fastify-503', 'node-503']) rows.push(await measure(variant));
const table = markdownTable(
  ['server', 'answers/s', 'status', 'server CPU %', 'CPU µs per answer', 'machine %'],
  rows.map((r) => ({
    server: r.variant,
    'answers/s': rate(r.perSecond),
    status: r.status,
    'server CPU %': r.serverCpu,
    'CPU µs per answer': Math.round(r.usPerAnswer),
    'machine %': r.machine,
  })),
);
const lines = [
  `Run ${new Date().toISOString()} — \`npm run bench -- refusal-cost --duration ${values.duration}\` — load average ${os.loadavg()[0]?.toFixed(1)} at the end (${os.availableParallelism()} cores)`,
  '',
  table,
  '',
];
replaceSection(`${RESULTS_DIR}/WRITE-PATH.md`, 'refusal-cost', lines.join('\n'));
process.stdout.write(`${lines.join('\n')}\n`);
