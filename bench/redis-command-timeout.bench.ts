// What node-redis's default command timeout costs (src/cache/redis-l2.ts sets it to 0 and times commands out
// itself): GETs on the real Redis, 20 at a time, with the default (5 s: an AbortSignal.timeout per command that
// fires after the answer too) and with 0; CPU of this process per command, counted until those timers fired.
//
//   node bench/redis-command-timeout.bench.ts [--seconds 8] [--rounds 2] [--tag NAME]
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { machineInfo, REPO } from './lib/machine.ts';
import { markdownTable, replaceSection, RESULTS_DIR, writeJsonResult } from './lib/report.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '2' },
    tag: { type: 'string' },
  },
});
const url = process.env['BSS_REDIS_URL'];
if (!url) throw new Error('BSS_REDIS_URL is not set: run through `npm run bench` (it starts Redis)');
/** Past node-redis's default timeout, so every timer armed during the run has fired. */
const SETTLE_MS = 6_000;

async function cpuUsPerCommand(timeout: number | undefined): Promise<{ commands: number; cpuUs: number }> {
  const client = createClient({ url, ...(timeout === undefined ? {} : { commandOptions: { timeout } }) });
  await client.connect();
  await client.set('bench:redis-command-timeout', 'v');
  const start = process.cpuUsage();
  let commands = 0;
  for (const until = Date.now() + Number(values.seconds) * 1000; Date.now() < until; commands += 20) {
    await Promise.all(Array.from({ length: 20 }, () => client.get('bench:redis-command-timeout')));
    await sleep(2);
  }
  await sleep(SETTLE_MS);
  const used = process.cpuUsage(start);
  await client.close();
  return { commands, cpuUs: (used.user + used.system) / commands };
}

const rows = [];
for (let round = 0; round < Number(values.rounds); round++) {
  rows.push({ setting: 'default (5 s)', ...(await cpuUsPerCommand(undefined)) });
  rows.push({ setting: '0 (redis-l2.ts)', ...(await cpuUsPerCommand(0)) });
}

const name = values.tag ? `redis-command-timeout-${values.tag}` : 'redis-command-timeout';
const file = writeJsonResult(name, { date: new Date().toISOString(), machine: machineInfo(), rows });
const table = markdownTable(
  ['command timeout', 'commands', 'CPU µs per command'],
  rows.map((r) => ({
    'command timeout': r.setting,
    commands: r.commands,
    'CPU µs per command': r.cpuUs.toFixed(1),
  })),
);
const text = `Run ${new Date().toISOString()} — \`node bench/redis-command-timeout.bench.ts ${process.argv.slice(2).join(' ')}\` (GETs 20 at a time on the real Redis, CPU of this process until the timers armed during the run fired) — JSON: \`${file.replace(REPO, '')}\`\n\n${table}\n`;
replaceSection(`${RESULTS_DIR}/CACHE.md`, name, text);
process.stdout.write(`${text}\n`);
