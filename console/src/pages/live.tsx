// Live: the service's own metrics, pushed every second over server-sent events (GET /api/v1/live).
// fetch-event-source reads the stream with fetch, so the credentials go in headers.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { followEvents } from '../event-stream.ts';
import { Link } from 'wouter-preact';
import { can, query } from '../api.ts';
import { useSession } from '../session.tsx';
import { errorMoment } from '../spike.ts';
import { Chart } from '../components/chart.tsx';
import { DataTable, type Column } from '../components/grid.tsx';
import { dateTime, ms, number, percent } from '../format.ts';
import type { LiveSample } from '../../../src/observability/live-sample.ts';

const KEEP = 300;
const BY_TYPE: Column<[string, number]>[] = [
  { label: 'type', cell: ([type]) => type },
  { label: 'events/s', num: true, cell: ([, rate]) => number(rate, 1) },
];
const COLORS = ['#4cc9f0', '#f72585', '#b5e48c', '#ffd166', '#c77dff', '#ff9f1c', '#06d6a0', '#ef476f'];

function useLiveSamples() {
  const [samples, setSamples] = useState<readonly LiveSample[]>([]);
  const [status, setStatus] = useState<'connecting' | 'live' | 'error'>('connecting');
  const [error, setError] = useState<string | null>(null);
  useEffect(
    () =>
      followEvents<LiveSample>('/live', 'sample', {
        onOpen: () => setStatus('live'),
        onData: (sample) => setSamples((previous) => [...previous.slice(-(KEEP - 1)), sample]),
        onError(e) {
          setStatus('error');
          setError(String(e));
        },
      }),
    [],
  );
  return { samples, status, error };
}

function Tile({ label, value, hint, id }: { label: string; value: string; hint?: string; id: string }) {
  return (
    <div class="tile" data-testid={id}>
      <span class="tile-label">{label}</span>
      <span class="tile-value">{value}</span>
      {hint && <span class="tile-hint">{hint}</span>}
    </div>
  );
}

export function Live() {
  const { samples, status, error } = useLiveSamples();
  const last = samples.at(-1);
  const groups = useMemo(() => [...new Set(samples.flatMap((s) => Object.keys(s.consumerLag)))].sort(), [samples]);
  const x = samples.map((s) => s.t / 1000);
  const hasShed = last?.shedPerSecond !== null && last?.shedPerSecond !== undefined;
  const types = Object.entries(last?.eventsByType ?? {})
    .filter(([, rate]) => rate > 0)
    .sort(([, a], [, b]) => b - a);
  const cacheLevels = Object.entries(last?.cacheHitRatio ?? {});
  const moment = errorMoment(samples);
  const { me } = useSession();

  return (
    <section aria-labelledby="live-title">
      <h1 id="live-title">
        Live{' '}
        <span class={`badge badge-${status}`} data-testid="live-status">
          {status}
        </span>
      </h1>
      {error && (
        <p role="alert" class="error">
          The live stream stopped: {error}
        </p>
      )}
      <div class="tiles">
        <Tile
          id="tile-throughput"
          label="Events/s"
          value={number(last?.eventsPerSecond, 1)}
          hint={
            last
              ? `${percent(last.eventsPerSecond / last.targetEventsPerSecond)} of ${number(last.targetEventsPerSecond)}/s target`
              : ''
          }
        />
        <Tile id="tile-requests" label="Requests/s" value={number(last?.requestsPerSecond, 1)} />
        <Tile
          id="tile-p99"
          label="API p99"
          value={ms(last?.latency.p99)}
          hint={`p50 ${ms(last?.latency.p50)} · p95 ${ms(last?.latency.p95)}`}
        />
        <Tile
          id="tile-errors"
          label="5xx rate"
          value={percent(last?.errorRate)}
          hint={`${number(last?.errorsPerSecond, 2)} errors/s`}
        />
        <Tile
          id="tile-outbox"
          label="Outbox backlog"
          value={last?.outboxBacklog === null ? 'n/a (no Kafka)' : number(last?.outboxBacklog)}
        />
        {cacheLevels.length === 0 && (
          <Tile id="tile-cache" label="Cache hit ratio" value="—" hint="no lookups in 10 s" />
        )}
        {cacheLevels.map(([level, ratio]) => (
          <Tile
            key={level}
            id={`tile-cache-${level}`}
            label={`Cache hit ${level.toUpperCase()}`}
            value={percent(ratio)}
          />
        ))}
        {hasShed && <Tile id="tile-shed" label="Shed requests/s" value={number(last?.shedPerSecond, 2)} />}
      </div>
      {moment && can(me, 'admin') && (
        <p data-testid="error-spike">
          {moment.errorsPerSecond !== null
            ? `${number(moment.errorsPerSecond, 2)} errors/s at ${dateTime(moment.t)}: `
            : 'No errors lately. '}
          <Link href={`/timeline?${query(moment.window)}`}>
            {moment.errorsPerSecond !== null ? 'the events of those' : 'The events of the last'} 10 seconds on the
            Timeline
          </Link>
        </p>
      )}
      <div class="charts">
        <Chart
          title="Throughput vs target (events/s)"
          series={[
            { label: 'events/s', color: COLORS[0]! },
            { label: 'target', color: '#9aa4b2', dash: [6, 4] },
          ]}
          data={[x, samples.map((s) => s.eventsPerSecond), samples.map((s) => s.targetEventsPerSecond)]}
        />
        <Chart
          title="API latency (ms)"
          series={[
            { label: 'p50', color: COLORS[2]! },
            { label: 'p95', color: COLORS[3]! },
            { label: 'p99', color: COLORS[1]! },
          ]}
          data={[
            x,
            ...(['p50', 'p95', 'p99'] as const).map((q) =>
              samples.map((s) => (s.latency[q] === null ? null : s.latency[q]! * 1000)),
            ),
          ]}
        />
        <Chart
          title={hasShed ? 'Errors (5xx %) and shed requests/s' : 'Errors (5xx %)'}
          series={[{ label: '5xx %', color: COLORS[7]! }, ...(hasShed ? [{ label: 'shed/s', color: COLORS[5]! }] : [])]}
          data={[
            x,
            samples.map((s) => (s.errorRate === null ? null : s.errorRate * 100)),
            ...(hasShed ? [samples.map((s) => s.shedPerSecond)] : []),
          ]}
        />
        <Chart
          title="Consumer lag per group (records)"
          series={groups.map((g, i) => ({ label: g, color: COLORS[i % COLORS.length]! }))}
          data={[x, ...groups.map((g) => samples.map((s) => s.consumerLag[g] ?? null))]}
        />
      </div>
      <h2>Events by type (per second, last 10 s)</h2>
      {types.length === 0 ? (
        <p class="muted">No events in the last 10 seconds.</p>
      ) : (
        <DataTable testId="events-by-type" columns={BY_TYPE} rows={types} rowKey={([type]) => type} />
      )}
    </section>
  );
}
