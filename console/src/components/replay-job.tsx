// A replay job's row: its progress bar follows the job's server-sent progress stream
// (GET /event-replay/replay/{id}/events) until it ends; a running job can be cancelled, a paused one stepped.
import { useEffect, useState } from 'preact/hooks';
import { followEvents } from '../event-stream.ts';
import { api, type ApiError } from '../api.ts';
import { dateTime, number } from '../format.ts';

export interface Job {
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
export const SPEEDS = ['MAX', 'ULTRA_FAST', 'FAST', 'REAL_TIME', 'STEP_BY_STEP'] as const;
export type Speed = (typeof SPEEDS)[number];
const ENDED = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);

/** The job, kept current by its progress stream while it runs. */
function useFollowedJob(initial: Job, onStatus?: (job: Job) => void): Job {
  const [job, setJob] = useState(initial);
  useEffect(() => setJob(initial), [initial]);
  useEffect(() => onStatus?.(job), [job.status]);
  useEffect(
    () =>
      ENDED.has(initial.status)
        ? undefined
        : followEvents<Job>(`/event-replay/replay/${initial.id}/events`, 'progress', { onData: setJob }),
    [initial.id],
  );
  return job;
}

/** `onStatus` hears of each status the job reaches (a debug session refreshes its state then). */
export function JobRow({ initial, onStatus }: { initial: Job; onStatus?: (job: Job) => void }) {
  const job = useFollowedJob(initial, onStatus);
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

export const JOB_COLUMNS = [
  'job',
  'status',
  'progress',
  { label: 'events', num: true },
  { label: 'throughput', num: true },
  'started',
  'actions',
];
