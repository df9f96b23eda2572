// Replay jobs (admin): start a replay of a window (speed, customer; into the sandbox, to replay-safe
// handlers by name, or to another topic), follow each running
// job's progress live (GET /event-replay/replay/{id}/events, server-sent), cancel it, or step it.
import { useEffect, useState } from 'preact/hooks';
import { followEvents } from '../event-stream.ts';
import { api, type ApiError } from '../api.ts';
import { useSearch } from 'wouter-preact';
import { dateTime, number, toLocalInput } from '../format.ts';
import { Grid } from '../components/grid.tsx';
import { DateTimeField, ErrorNote, isoOf } from '../components/fields.tsx';
import { useProblem } from '../hooks.ts';
import { RebuildPanel } from '../components/rebuild.tsx';

interface Job {
  id: string;
  status: string;
  progress: { processed: number; total: number; percent: number };
  delivered: number;
  errorCount: number;
  throughput: number;
  startedAt: string | null;
  finishedAt: string | null;
  failure: string | null;
}
const SPEEDS = ['MAX', 'ULTRA_FAST', 'FAST', 'REAL_TIME', 'STEP_BY_STEP'] as const;
/** The API's replay target; the live topic is refused by the API (400). */
const targetOf = (kind: 'sandbox' | 'handlers' | 'topic', name: string) =>
  kind === 'sandbox'
    ? { kind }
    : kind === 'topic'
      ? { kind, topic: name.trim() }
      : {
          kind,
          names: name
            .split(',')
            .map((n) => n.trim())
            .filter(Boolean),
        };
const ENDED = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);

/** The job, kept current by its progress stream while it runs. */
function useFollowedJob(initial: Job): Job {
  const [job, setJob] = useState(initial);
  useEffect(() => setJob(initial), [initial]);
  useEffect(
    () =>
      ENDED.has(initial.status)
        ? undefined
        : followEvents<Job>(`/event-replay/replay/${initial.id}/events`, 'progress', { onData: setJob }),
    [initial.id],
  );
  return job;
}

function JobRow({ initial }: { initial: Job }) {
  const job = useFollowedJob(initial);
  const [error, setError] = useState<string | null>(null);
  const act = (path: string) =>
    api(`/event-replay/replay/${job.id}/${path}`, { method: 'POST' }).catch((e: ApiError) => setError(e.message));
  const running = !ENDED.has(job.status);
  return (
    <tr data-testid={`job-${job.id}`}>
      <td class="mono">{job.id.slice(0, 8)}</td>
      <td data-testid="job-status">{job.status}</td>
      <td>
        <progress max={100} value={job.progress.percent} aria-label={`job ${job.id.slice(0, 8)} progress`} />{' '}
        <span data-testid="job-percent">{number(job.progress.percent, 0)} %</span>
      </td>
      <td class="num">
        {number(job.progress.processed)} / {number(job.progress.total)}
      </td>
      <td class="num">{number(job.throughput, 0)}/s</td>
      <td>{dateTime(job.startedAt)}</td>
      <td>
        {running && (
          <>
            {job.status === 'PAUSED' && (
              <button type="button" class="link" onClick={() => void act('step?n=1')}>
                Step
              </button>
            )}
            <button type="button" class="link" onClick={() => void act('cancel')}>
              Cancel
            </button>
          </>
        )}
        {(error ?? job.failure) && <span class="error">{error ?? job.failure}</span>}
      </td>
    </tr>
  );
}

const JOB_COLUMNS = [
  'job',
  'status',
  'progress',
  { label: 'events', num: true },
  { label: 'throughput', num: true },
  'started',
  'actions',
];

/** Replay jobs; a range brushed on the Timeline arrives as ?from=&to= (ms). */
export function Replay() {
  const params = new URLSearchParams(useSearch());
  const initial = (name: string) => {
    const t = Number(params.get(name) ?? NaN);
    return Number.isFinite(t) && params.get(name) ? toLocalInput(t) : '';
  };
  const [jobs, setJobs] = useState<Job[]>([]);
  const [from, setFrom] = useState(() => initial('from'));
  const [to, setTo] = useState(() => initial('to'));
  const [speed, setSpeed] = useState<(typeof SPEEDS)[number]>('MAX');
  const [customerId, setCustomerId] = useState(params.get('customerId') ?? '');
  const [targetKind, setTargetKind] = useState<'sandbox' | 'handlers' | 'topic'>('sandbox');
  const [targetName, setTargetName] = useState('');
  const { error, attempt } = useProblem();

  useEffect(
    () => void attempt(async () => setJobs([...(await api<{ items: Job[] }>('/event-replay/replay')).items].reverse())),
    [],
  );

  const start = (event: Event) => {
    event.preventDefault();
    void attempt(async () => {
      const startTime = isoOf(from);
      const endTime = isoOf(to);
      const body = {
        speed,
        target: targetOf(targetKind, targetName),
        ...(startTime ? { startTime } : {}),
        ...(endTime ? { endTime } : {}),
        ...(customerId.trim() ? { customerId: customerId.trim() } : {}),
      };
      const job = await api<Job>('/event-replay/replay', { method: 'POST', body });
      setJobs((list) => [job, ...list.filter((j) => j.id !== job.id)]);
    });
  };

  return (
    <section aria-labelledby="replay-title">
      <h1 id="replay-title">Replay</h1>
      <p class="muted">
        Sandbox replays fold the window in memory and write nothing; handlers get the events again (replay-safe ones
        only); a topic gets a copy (never the live topic).
      </p>
      <form class="compare" onSubmit={start}>
        <DateTimeField id="r-from" label="From (UTC)" value={from} onChange={setFrom} />
        <DateTimeField id="r-to" label="To (UTC)" value={to} onChange={setTo} />
        <label for="r-speed">Speed</label>
        <select id="r-speed" value={speed} onChange={(e) => setSpeed(e.currentTarget.value as (typeof SPEEDS)[number])}>
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <label for="r-customer">Customer id</label>
        <input id="r-customer" value={customerId} onInput={(e) => setCustomerId(e.currentTarget.value)} />
        <label for="r-target">Target</label>
        <select
          id="r-target"
          value={targetKind}
          onChange={(e) => setTargetKind(e.currentTarget.value as typeof targetKind)}
        >
          <option value="sandbox">sandbox (writes nothing)</option>
          <option value="handlers">handlers</option>
          <option value="topic">a topic</option>
        </select>
        {targetKind !== 'sandbox' && (
          <>
            <label for="r-target-name">{targetKind === 'handlers' ? 'Handler names (comma-separated)' : 'Topic'}</label>
            <input
              id="r-target-name"
              required
              value={targetName}
              onInput={(e) => setTargetName(e.currentTarget.value)}
            />
          </>
        )}
        <button type="submit">Start replay</button>
      </form>
      <ErrorNote error={error} />
      <Grid testId="jobs" labels={JOB_COLUMNS}>
        {jobs.map((job) => (
          <JobRow key={job.id} initial={job} />
        ))}
      </Grid>
      <RebuildPanel />
    </section>
  );
}
