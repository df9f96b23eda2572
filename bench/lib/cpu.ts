// CPU time of processes over an interval, from /proc (Linux): tells whether a number is bound by the
// client, by the server, or by the cores the machine has. Shares are % of one core (200 % = 2 cores).
import { readFileSync, readdirSync } from 'node:fs';

/** A process to watch; `withChildren` adds its live children and the ones it has reaped (backends, tools). */
export interface CpuTarget {
  readonly pid: number;
  readonly withChildren?: boolean;
}

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on

/**
 * Starts measuring; the returned function gives each target's CPU share since then, and `machine`:
 * every process on the machine (so machine − targets is what other work took from the run).
 */
export function startCpu<Name extends string>(
  targets: Record<Name, CpuTarget>,
): () => Record<Name | 'machine', number> {
  const names = Object.keys(targets) as Name[];
  const before = names.map((name) => ticksOf(targets[name]));
  const machineBefore = machineTicks();
  const started = performance.now();
  return () => {
    const seconds = (performance.now() - started) / 1000;
    const share = (ticks: number) => Math.round((ticks / TICKS_PER_SECOND / seconds) * 100);
    const shares = { machine: share(machineTicks() - machineBefore) } as Record<Name | 'machine', number>;
    names.forEach((name, i) => {
      shares[name] = share(ticksOf(targets[name]) - (before[i] as number));
    });
    return shares;
  };
}

/** Busy ticks of all CPUs together (/proc/stat: everything but idle and iowait). */
function machineTicks(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).map(Number);
  return user + nice + system + irq + softirq + steal;
}

function ticksOf(target: CpuTarget): number {
  const own = statOf(target.pid);
  if (!own) return 0;
  if (!target.withChildren) return own.self;
  let ticks = own.self + own.reaped;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = statOf(Number(entry));
    if (child?.ppid === target.pid) ticks += child.self + child.reaped;
  }
  return ticks;
}

/** utime + stime, and cutime + cstime (children waited for), of one process. */
function statOf(pid: number): { ppid: number; self: number; reaped: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone
  }
  // Fields after the command name, which may contain spaces and is wrapped in parentheses.
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  const at = (field: number) => fields[field - 3] ?? 0; // field numbers as in proc(5)
  return { ppid: at(4), self: at(14) + at(15), reaped: at(16) + at(17) };
}

/**
 * Waits until the machine has been nearly idle (busy below `belowPercent` of one core) for a whole
 * second, or `maxMs` passed (default 30 s); other people's builds on a shared machine otherwise end up in the numbers.
 * Resolves to how busy the last second was.
 */
export async function waitForQuiet(belowPercent = 25, maxMs = 30_000): Promise<number> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const stop = startCpu({});
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const { machine } = stop();
    if (machine < belowPercent || Date.now() >= deadline) return machine;
  }
}
