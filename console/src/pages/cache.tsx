// Cache: this instance's hit ratio per level and per key family, entries, invalidations by source and
// errors (GET /cache/stats, any role); operators and admins warm it (POST /cache/warm: the hottest keys).
import { useEffect, useState } from 'preact/hooks';
import { api, can } from '../api.ts';
import { useSession } from '../session.tsx';
import { dateTime, number, percent } from '../format.ts';
import { DataTable, type Column } from '../components/grid.tsx';
import { ErrorNote, RefreshButton } from '../components/fields.tsx';
import { useProblem } from '../hooks.ts';

interface Level {
  hits: number;
  misses: number;
  hitRatio: number;
}
interface Stats {
  redis: string;
  levels: { l1: Level; l2: Level };
  caches: Record<string, { l1: Level; l2: Level; loads: number }>;
  entries: { l1: number };
  loads: number;
  invalidations: Record<string, number>;
  errors: Record<string, number>;
  warming: {
    state: string;
    runs: number;
    trackedKeys: number;
    last?: { loaded: number; failed: number; skipped: number; startedAt: string; durationMs: number };
  };
}
type Family = [string, Stats['caches'][string]];

const ratio = (l: Level) => (l.hits + l.misses === 0 ? '—' : percent(l.hitRatio));
const FAMILIES: Column<Family>[] = [
  { label: 'key family', class: 'mono', cell: ([name]) => name },
  { label: 'L1 hit ratio', num: true, cell: ([, f]) => ratio(f.l1) },
  { label: 'L1 hits / misses', num: true, cell: ([, f]) => `${number(f.l1.hits)} / ${number(f.l1.misses)}` },
  { label: 'L2 hit ratio', num: true, cell: ([, f]) => ratio(f.l2) },
  { label: 'L2 hits / misses', num: true, cell: ([, f]) => `${number(f.l2.hits)} / ${number(f.l2.misses)}` },
  { label: 'loads', num: true, cell: ([, f]) => number(f.loads) },
];
const COUNTS: Column<[string, number]>[] = [
  { label: 'source', class: 'mono', cell: ([source]) => source },
  { label: 'count', num: true, cell: ([, n]) => number(n) },
];

function Level({ name, level }: { name: string; level: Level }) {
  return (
    <div class="tile" data-testid={`cache-${name}`}>
      <span class="tile-label">{name.toUpperCase()} hit ratio</span>
      <span class="tile-value">{ratio(level)}</span>
      <span class="tile-hint">
        {number(level.hits)} hits · {number(level.misses)} misses
      </span>
    </div>
  );
}

export function Cache() {
  const { me } = useSession();
  const [stats, setStats] = useState<Stats | null>(null);
  const [warmed, setWarmed] = useState<string | null>(null);
  const { error, attempt } = useProblem();
  const load = () => void attempt(async () => setStats(await api<Stats>('/cache/stats')));
  useEffect(load, []);
  const warm = () =>
    void attempt(async () => {
      const r = await api<{ loaded: number; failed: number; skipped: number }>('/cache/warm', { method: 'POST' });
      setWarmed(`Warmed: ${r.loaded} loaded, ${r.failed} failed, ${r.skipped} skipped.`);
      load();
    });
  return (
    <section aria-labelledby="cache-title">
      <h1 id="cache-title">Cache</h1>
      <RefreshButton onRefresh={load} />
      <ErrorNote error={error} />
      {stats && (
        <>
          <div class="tiles">
            <Level name="l1" level={stats.levels.l1} />
            <Level name="l2" level={stats.levels.l2} />
            <div class="tile">
              <span class="tile-label">L1 entries</span>
              <span class="tile-value">{number(stats.entries.l1)}</span>
              <span class="tile-hint">Redis (L2): {stats.redis}</span>
            </div>
            <div class="tile" data-testid="cache-warming">
              <span class="tile-label">Warming</span>
              <span class="tile-value">{stats.warming.state}</span>
              <span class="tile-hint">
                {stats.warming.runs} runs · {number(stats.warming.trackedKeys)} hot keys
                {stats.warming.last ? ` · last ${dateTime(stats.warming.last.startedAt)}` : ''}
              </span>
            </div>
          </div>
          {can(me, 'operator') && (
            <p>
              <button type="button" onClick={warm}>
                Warm the hottest keys
              </button>{' '}
              <span role="status" data-testid="warm-result">
                {warmed}
              </span>
            </p>
          )}
          <h2>Hit ratio per key family</h2>
          <DataTable
            testId="cache-families"
            columns={FAMILIES}
            rows={Object.entries(stats.caches)}
            rowKey={([n]) => n}
          />
          <h2>Invalidations by source</h2>
          <DataTable
            testId="cache-invalidations"
            columns={COUNTS}
            rows={Object.entries(stats.invalidations)}
            rowKey={([n]) => n}
          />
          <h2>Errors</h2>
          <DataTable testId="cache-errors" columns={COUNTS} rows={Object.entries(stats.errors)} rowKey={([n]) => n} />
        </>
      )}
    </section>
  );
}
