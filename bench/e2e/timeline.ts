// The run every 2 s, as a stall shows itself: the service's counters (cumulative, summed over instances)
// and gauges, PostgreSQL's wait events and running vacuums; and a per-minute summary of a phase.
import type pg from 'pg';
import { sum, type Sample } from './metrics.ts';

export interface Tick {
  readonly t: number;
  readonly phase: string;
  readonly backlog: number;
  readonly lag: number;
  readonly published: number;
  readonly cpuS: number;
  readonly gcS: number;
  readonly shed: number;
  readonly ops: number;
  readonly opsS: number;
  readonly loopLagMaxMs: number;
  readonly heapMB: number;
  /** Sessions of the bench's database by what they wait on ('active' when running). */
  readonly pgWaits: Readonly<Record<string, number>>;
  readonly vacuuming: readonly string[];
}

export type ServiceGauges = Pick<Tick, 'cpuS' | 'gcS' | 'shed' | 'ops' | 'opsS' | 'loopLagMaxMs' | 'heapMB'>;

export function serviceGauges(sets: ReadonlyArray<readonly Sample[]>): ServiceGauges {
  const total = (name: string) => sets.reduce((a, s) => a + sum(s, name), 0);
  return {
    cpuS: total('process_cpu_seconds_total'),
    gcS: total('nodejs_gc_duration_seconds_sum'),
    shed: total('bss_requests_shed_total'),
    ops: total('bss_operation_duration_seconds_count'),
    opsS: total('bss_operation_duration_seconds_sum'),
    loopLagMaxMs: Math.max(0, ...sets.map((s) => sum(s, 'nodejs_eventloop_lag_max_seconds') * 1000)),
    heapMB: total('nodejs_heap_size_used_bytes') / 1e6,
  };
}

export async function databaseActivity(db: pg.Client): Promise<Pick<Tick, 'pgWaits' | 'vacuuming'>> {
  const waits = await db.query<{ w: string; n: number }>(
    `SELECT coalesce(wait_event_type || ':' || wait_event, state) AS w, count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND backend_type = 'client backend' AND state <> 'idle'
        AND pid <> pg_backend_pid() GROUP BY 1`,
  );
  const vacuums = await db.query<{ r: string }>(
    `SELECT relid::regclass::text AS r FROM pg_stat_progress_vacuum WHERE datname = current_database()`,
  );
  return { pgWaits: Object.fromEntries(waits.rows.map((r) => [r.w, r.n])), vacuuming: vacuums.rows.map((r) => r.r) };
}

/** One row per minute of the phase: rates from the counters, the worst gauges, lock waits seen. */
export function perMinute(ticks: readonly Tick[], phase: string): Array<Record<string, string | number>> {
  const of = ticks.filter((t) => t.phase === phase);
  const rows: Array<Record<string, string | number>> = [];
  for (let start = 0; start < of.length;) {
    const minute = Math.floor((of[start]!.t - of[0]!.t) / 60);
    let end = start;
    while (end + 1 < of.length && Math.floor((of[end + 1]!.t - of[0]!.t) / 60) === minute) end++;
    const [a, b] = [of[Math.max(0, start - 1)]!, of[end]!];
    const seconds = Math.max(1e-9, b.t - a.t);
    const window = of.slice(start, end + 1);
    rows.push({
      minute: minute + 1,
      'operations/s': Math.round((b.ops - a.ops) / seconds),
      'operation mean ms': b.ops > a.ops ? Math.round(((b.opsS - a.opsS) / (b.ops - a.ops)) * 1000) : 0,
      'service CPU %': Math.round(((b.cpuS - a.cpuS) / seconds) * 100),
      'GC ms/s': Math.round(((b.gcS - a.gcS) / seconds) * 1000),
      'loop lag max ms': Math.round(Math.max(...window.map((t) => t.loopLagMaxMs))),
      'heap MB max': Math.round(Math.max(...window.map((t) => t.heapMB))),
      refusals: b.shed - a.shed,
      'lock waits seen': window.reduce((n, t) => n + (t.pgWaits['Lock:transactionid'] ?? 0), 0),
      vacuums: [...new Set(window.flatMap((t) => t.vacuuming.map((r) => r.split('.').at(-1))))].join(' '),
    });
    start = end + 1;
  }
  return rows;
}
