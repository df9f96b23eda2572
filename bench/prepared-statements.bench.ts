// What a named (prepared) statement saves PostgreSQL and this process (src/store/prepared-statements.ts):
// the idempotency claim, the service's most frequent write, run unnamed and named in turn on one
// connection; CPU µs per run of the backend (from /proc) and of this process.
//
//   node bench/prepared-statements.bench.ts [--runs 4000] [--rounds 2] [--tag NAME]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { machineInfo, REPO, requireEnv, uniqueName } from './lib/machine.ts';
import { markdownTable, replaceSection, RESULTS_DIR, writeJsonResult } from './lib/report.ts';
import { createPostgresDb } from '../src/store/postgres-db.ts';
import { migrate } from '../src/store/migrate.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '4000' },
    rounds: { type: 'string', default: '2' },
    tag: { type: 'string' },
  },
});
const runs = Number(values.runs);
const url = requireEnv('BSS_DATABASE_URL');
const schema = uniqueName('bench_prepared').replaceAll('-', '_');
const CLAIM = `INSERT INTO idempotency_keys (caller, key, fingerprint, owner, holder, locked_until, expires_at)
  SELECT c, k, f, o, $7::text, now() + $5::float8 * interval '1 millisecond', now() + $6::float8 * interval '1 millisecond'
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(c, k, f, o) ORDER BY c, k
  ON CONFLICT (caller, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint
   WHERE idempotency_keys.expires_at <= now() RETURNING caller, key`;

const setup = await createPostgresDb({ url, schema });
await migrate(setup);
await setup.close();
const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
await client.connect();
const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
const backendPid = rows[0]?.pid as number;
const clockTicksUs = 10_000; // /proc counts in USER_HZ (100 per second)
const backendCpuUs = () => {
  const fields = (readFileSync(`/proc/${backendPid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * clockTicksUs;
};

async function measure(named: boolean, round: number) {
  const backendBefore = backendCpuUs();
  const before = process.cpuUsage();
  await client.query('BEGIN');
  for (let i = 0; i < runs; i++)
    await client.query({
      text: CLAIM,
      values: [['caller'], [`k-${named}-${round}-${i}`], ['fp'], ['owner'], 3000, 86_400_000, null],
      ...(named ? { name: 'claim' } : {}),
    });
  await client.query('ROLLBACK');
  const used = process.cpuUsage(before);
  return {
    statement: named ? 'named (prepared)' : 'unnamed',
    postgresUs: (backendCpuUs() - backendBefore) / runs,
    clientUs: (used.user + used.system) / runs,
  };
}

const results = [];
for (let round = 0; round < Number(values.rounds); round++)
  for (const named of [false, true]) results.push(await measure(named, round));
await client.query(`DROP SCHEMA "${schema}" CASCADE`);
await client.end();

const name = values.tag ? `prepared-statements-${values.tag}` : 'prepared-statements';
const file = writeJsonResult(name, { date: new Date().toISOString(), machine: machineInfo(), runs, results });
const table = markdownTable(
  ['statement', 'PostgreSQL CPU µs per run', 'client CPU µs per run'],
  results.map((r) => ({
    statement: r.statement,
    'PostgreSQL CPU µs per run': r.postgresUs.toFixed(0),
    'client CPU µs per run': r.clientUs.toFixed(0),
  })),
);
const text = `Run ${new Date().toISOString()} — \`node bench/prepared-statements.bench.ts ${process.argv.slice(2).join(' ')}\` (the idempotency claim, ${runs.toLocaleString('en')} runs per row, one connection) — JSON: \`${file.replace(REPO, '')}\`\n\n${table}\n`;
replaceSection(`${RESULTS_DIR}/TUNING.md`, name, text);
process.stdout.write(`${text}\n`);
