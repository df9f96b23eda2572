// `pgbench -N` (TPC-B without the branch/teller updates: three statements and a commit per transaction)
// on the bench's PostgreSQL, in a database of its own: the ceiling single-record commands are measured
// against, in the same run.
import { execFileSync } from 'node:child_process';

/** Transactions per second of `pgbench -N -c clients` for `seconds`, on the server of `url`. */
export function pgbenchN(url: string, seconds: number, clients = 16): number {
  const db = new URL(url);
  db.pathname = '/bss_bench_pgbench';
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const exists = execFileSync('psql', [
    admin.toString(),
    '-tAc',
    "SELECT 1 FROM pg_database WHERE datname = 'bss_bench_pgbench'",
  ]);
  if (String(exists).trim() !== '1') {
    execFileSync('psql', [admin.toString(), '-qc', 'CREATE DATABASE bss_bench_pgbench']);
    execFileSync('pgbench', ['-i', '-q', '-s', '10', db.toString()], { stdio: 'ignore' });
  }
  const out = String(
    execFileSync('pgbench', ['-N', '-n', '-c', String(clients), '-j', '2', '-T', String(seconds), db.toString()], {
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  );
  return Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? NaN);
}
