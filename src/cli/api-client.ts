import type { ClientConfig } from '../config.ts';
import { UnreachableError } from './common.ts';

export interface JobSnapshot {
  id: string;
  status: string;
  progress: { processed: number; total: number; percent: number };
  delivered: number;
  errorCount: number;
  errors: Array<{ partition: number; offset: number; type: string | null; message: string }>;
  throughput: number;
  failure: string | null;
  finishedAt: string | null;
  [field: string]: unknown;
}

export class HttpError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  constructor(status: number, code: string | undefined, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export interface ApiClient {
  readonly url: string;
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  follow(jobId: string, onUpdate: (job: JobSnapshot) => void, signal?: AbortSignal): Promise<JobSnapshot>;
}

export function createApiClient(config: ClientConfig, base = '/api/v1'): ApiClient {
  const headers = (json: boolean): Record<string, string> => ({
    ...(config.apiKey ? { 'x-api-key': config.apiKey } : {}),
    ...(json ? { 'content-type': 'application/json' } : {}),
  });
  /** "fetch failed" replaced by where and why (refused, unknown host, …). */
  const request = async (path: string, init: RequestInit): Promise<Response> => {
    try {
      return await fetch(new URL(`${base}${path}`, config.url), init);
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
      throw new UnreachableError(
        `cannot reach ${config.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
      );
    }
  };

  async function failed(response: Response): Promise<never> {
    const text = await response.text();
    let detail = text;
    let code: string | undefined;
    try {
      const problem = JSON.parse(text) as { code?: string; detail?: string };
      code = problem.code;
      detail = `${problem.code ?? ''}: ${problem.detail ?? text}`;
    } catch {
      // not problem+json (a proxy, a crash): the text says what it says
    }
    throw new HttpError(response.status, code, `${response.status} ${detail}`.trim());
  }

  return {
    url: config.url,
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

    async follow(jobId, onUpdate, signal) {
      const response = await request(`/replay/${encodeURIComponent(jobId)}/events`, {
        headers: headers(false),
        ...(signal ? { signal } : {}),
      });
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
      if (!last) throw new Error(`the progress stream of job ${jobId} ended without an update`);
      return last;
    },
  };
}
