// A debug session's controlled replay: play the session on from its cursor (until a time, or the log's
// end) at a speed (POST /event-replay/controlled-replay). The run is a replay job: its row follows the
// progress; a breakpoint pauses it (then Step or Cancel), and each status it reaches refreshes the
// session's position and state.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { useProblem } from '../hooks.ts';
import { DateTimeField, ErrorNote, isoOf } from './fields.tsx';
import { Grid } from './grid.tsx';
import { JOB_COLUMNS, JobRow, SPEEDS, type Job, type Speed } from './replay-job.tsx';

export function ControlledReplay({ sessionId, onStatus }: { sessionId: string; onStatus: (job: Job) => void }) {
  const [until, setUntil] = useState('');
  const [speed, setSpeed] = useState<Speed>('MAX');
  const [jobs, setJobs] = useState<Job[]>([]);
  const { error, attempt } = useProblem();
  const play = (event: Event) => {
    event.preventDefault();
    const end = isoOf(until);
    const body = { sessionId, speed, ...(end ? { until: end } : {}) };
    void attempt(async () => {
      const job = await api<Job>('/event-replay/controlled-replay', { method: 'POST', body });
      setJobs((list) => [job, ...list]);
    });
  };
  return (
    <section aria-labelledby="controlled-title" class="panel">
      <h2 id="controlled-title">Controlled replay</h2>
      <form class="compare" onSubmit={play}>
        <DateTimeField id="c-until" label="Play until (UTC, empty: the log’s end)" value={until} onChange={setUntil} />
        <label for="c-speed">Speed</label>
        <select id="c-speed" value={speed} onChange={(e) => setSpeed(e.currentTarget.value as Speed)}>
          {SPEEDS.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <button type="submit">Play</button>
        <ErrorNote error={error} />
      </form>
      {jobs.length > 0 && (
        <Grid testId="controlled-jobs" labels={JOB_COLUMNS}>
          {jobs.map((job) => (
            <JobRow key={job.id} initial={job} onStatus={onStatus} />
          ))}
        </Grid>
      )}
    </section>
  );
}
