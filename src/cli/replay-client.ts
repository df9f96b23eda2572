// The HTTP side of `bss replay`: calls to /api/v1/event-replay of a running service (any deployment
// mode), problem+json turned into one-line errors, and a job followed through its server-sent events
// with a progress bar on stderr (plain lines when stderr is not a terminal).
import type { ClientConfig } from '../config.ts';

export interface JobSnapshot {
  id: string;
  status: string;
  progress: { processed: number; total: number; percent: number };
  delivered: number;
  errorCount: number;
  throughput: number;
  failure: string | null;
  [field: string]: unknown;
}

export class HttpError extends Error {}

export interface ReplayClient {
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Follows a job's progress until it ends; `onUpdate` sees every update, the last one is returned. */
  follow(jobId: string, onUpdate: (job: JobSnapshot) => void): Promise<JobSnapshot>;
}

const BASE = '/api/v1/event-replay';

export function createReplayClient(config: ClientConfig): ReplayClient {
  const headers = (json: boolean): Record<string, string> => ({
    ...(config.apiKey ? { 'x-api-key': config.apiKey } : {}),
    ...(json ? { 'content-type': 'application/json' } : {}),
  });
  const url = (path: string) => new URL(`${BASE}${path}`, config.url);
  /** fetch, with "fetch failed" replaced by where and why (refused, unknown host, …). */
  const request = async (path: string, init: RequestInit): Promise<Response> => {
    try {
      return await fetch(url(path), init);
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
      throw new HttpError(`cannot reach ${config.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
  };

  async function failed(response: Response): Promise<never> {
    const text = await response.text();
    let detail = text;
    try {
      const problem = JSON.parse(text) as { code?: string; detail?: string };
      detail = `${problem.code ?? ''}: ${problem.detail ?? text}`;
    } catch {
      // not problem+json (a proxy, a crash): the text says what it says
    }
    throw new HttpError(`${response.status} ${detail}`.trim());
  }

  return {
    async call(method, path, body) {
      const response = await request(path, {
        method,
        headers: headers(body !== undefined),
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      if (!response.ok) return failed(response);
      const text = await response.text();
      return (text === '' ? null : JSON.parse(text)) as never;
    },

    async follow(jobId, onUpdate) {
      const response = await request(`/replay/${encodeURIComponent(jobId)}/events`, { headers: headers(false) });
      if (!response.ok || !response.body) return failed(response);
      let last: JobSnapshot | undefined;
      let buffer = '';
      const decoder = new TextDecoder();
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (!block.startsWith('event: progress') || !data) continue;
          last = JSON.parse(data.slice(6)) as JobSnapshot;
          onUpdate(last);
        }
      }
      if (!last) throw new HttpError(`the progress stream of job ${jobId} ended without an update`);
      return last;
    },
  };
}

const seconds = (s: number) =>
  s >= 3600 ? `${(s / 3600).toFixed(1)}h` : s >= 60 ? `${Math.round(s / 60)}m` : `${Math.ceil(s)}s`;

/** One progress line: bar (on a terminal), percent, processed/total, events/s and ETA. */
export function progressLine(job: JobSnapshot, width = 30): string {
  const { processed, total, percent } = job.progress;
  const filled = Math.round((Math.min(100, percent) / 100) * width);
  const bar = width > 0 ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
  const eta = job.throughput > 0 && total > processed ? ` ETA ${seconds((total - processed) / job.throughput)}` : '';
  return `${bar}${percent.toFixed(1)}% ${processed}/${total} ${job.throughput} ev/s${eta} ${job.status}`;
}

/** Shows progress on stderr: a redrawn bar on a terminal, else a plain line at most once a second. */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr) {
  let lastLine = 0;
  return {
    update(job: JobSnapshot) {
      const terminal = job.finishedAt !== null && job.finishedAt !== undefined;
      if (stream.isTTY) {
        stream.write(`\r${progressLine(job)}\x1b[K${terminal ? '\n' : ''}`);
        return;
      }
      if (!terminal && Date.now() - lastLine < 1000) return;
      lastLine = Date.now();
      stream.write(`${progressLine(job, 0)}\n`);
    },
  };
}
