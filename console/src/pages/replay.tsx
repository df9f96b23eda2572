// Replay jobs (admin): start a replay of a window (speed, customer; into the sandbox, to replay-safe
// handlers by name, or to another topic), follow each job (components/replay-job.tsx), rebuild the
// read models (components/rebuild.tsx).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { useSearch } from 'wouter-preact';
import { toLocalInput } from '../format.ts';
import { JOB_COLUMNS, JobRow, SPEEDS, type Job, type Speed } from '../components/replay-job.tsx';
import { Grid } from '../components/grid.tsx';
import { DateTimeField, ErrorNote, isoOf } from '../components/fields.tsx';
import { useProblem } from '../hooks.ts';
import { RebuildPanel } from '../components/rebuild.tsx';

/** The API's replay target; the live topic is refused by the API (400). */
const targetOf = (kind: 'sandbox' | 'handlers' | 'topic', topic: string, names: readonly string[]) =>
  kind === 'sandbox' ? { kind } : kind === 'topic' ? { kind, topic: topic.trim() } : { kind, names };

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
  const [speed, setSpeed] = useState<Speed>('MAX');
  const [customerId, setCustomerId] = useState(params.get('customerId') ?? '');
  const [targetKind, setTargetKind] = useState<'sandbox' | 'handlers' | 'topic'>('sandbox');
  const [targetName, setTargetName] = useState('');
  // The replay-safe handlers the service has (GET /event-replay/handlers); the select picks among them.
  const [handlers, setHandlers] = useState<string[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const { error, attempt } = useProblem();

  useEffect(() => {
    void attempt(async () => setJobs([...(await api<{ items: Job[] }>('/event-replay/replay')).items].reverse()));
    void attempt(async () => {
      const names = (await api<{ handlers: { name: string }[] }>('/event-replay/handlers')).handlers.map((h) => h.name);
      setHandlers(names);
      setChosen(names.slice(0, 1));
    });
  }, []);

  const start = (event: Event) => {
    event.preventDefault();
    void attempt(async () => {
      const startTime = isoOf(from);
      const endTime = isoOf(to);
      const body = {
        speed,
        target: targetOf(targetKind, targetName, chosen),
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
        <select id="r-speed" value={speed} onChange={(e) => setSpeed(e.currentTarget.value as Speed)}>
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
        {targetKind === 'handlers' && (
          <>
            <label for="r-handlers">Handlers</label>
            <select
              id="r-handlers"
              multiple
              required
              size={Math.min(4, Math.max(2, handlers.length))}
              onChange={(e) => setChosen([...e.currentTarget.selectedOptions].map((o) => o.value))}
            >
              {handlers.map((name) => (
                <option key={name} value={name} selected={chosen.includes(name)}>
                  {name}
                </option>
              ))}
            </select>
          </>
        )}
        {targetKind === 'topic' && (
          <>
            <label for="r-target-name">Topic</label>
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
