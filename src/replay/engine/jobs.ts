import { EventEmitter, on } from 'node:events';
import { randomUUID } from 'node:crypto';

export type ReplayJobStatus = 'PENDING' | 'RUNNING' | 'PAUSED' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
export const TERMINAL_STATUSES: readonly ReplayJobStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

export interface ReplayError {
  readonly partition: number;
  readonly offset: number;
  readonly type: string | null;
  readonly message: string;
}

export interface ReplayJobSnapshot {
  readonly id: string;
  readonly status: ReplayJobStatus;
  readonly progress: { readonly processed: number; readonly total: number; readonly percent: number };
  readonly delivered: number;
  readonly filtered: number;
  readonly countsByType: Readonly<Record<string, number>>;
  readonly errorCount: number;
  readonly errors: readonly ReplayError[];
  readonly throughput: number;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly failure: string | null;
  readonly skippedHandlers: readonly string[];
  /** null: unknown, or STEP_BY_STEP. */
  readonly estimatedMs: number | null;
  /** Over a day: the job waits out the window's quiet gaps. */
  readonly warning: string | null;
}

export class JobState {
  readonly id: string;
  readonly emitter = new EventEmitter();
  status: ReplayJobStatus = 'PENDING';
  total = 0;
  processed = 0;
  delivered = 0;
  filtered = 0;
  errorCount = 0;
  failure: string | null = null;
  readonly countsByType: Record<string, number> = {};
  readonly errors: ReplayError[] = [];
  readonly maxErrors: number;
  skippedHandlers: readonly string[] = [];
  estimatedMs: number | null = null;
  warning: string | null = null;
  startedAt: number | null = null;
  finishedAt: number | null = null;
  private lastEmit = 0;

  constructor(maxErrors: number, id: string = randomUUID()) {
    this.id = id;
    this.maxErrors = maxErrors;
    // Any number of SSE clients may follow one job.
    this.emitter.setMaxListeners(0);
  }

  snapshot(): ReplayJobSnapshot {
    const elapsed = this.startedAt === null ? 0 : ((this.finishedAt ?? Date.now()) - this.startedAt) / 1000;
    return {
      id: this.id,
      status: this.status,
      progress: {
        processed: this.processed,
        total: this.total,
        percent:
          this.total === 0 ? (this.isTerminal() ? 100 : 0) : Math.round((1000 * this.processed) / this.total) / 10,
      },
      delivered: this.delivered,
      filtered: this.filtered,
      countsByType: { ...this.countsByType },
      errorCount: this.errorCount,
      errors: [...this.errors],
      throughput: elapsed > 0 ? Math.round(this.processed / elapsed) : 0,
      startedAt: this.startedAt === null ? null : new Date(this.startedAt).toISOString(),
      finishedAt: this.finishedAt === null ? null : new Date(this.finishedAt).toISOString(),
      failure: this.failure,
      skippedHandlers: this.skippedHandlers,
      estimatedMs: this.estimatedMs,
      warning: this.warning,
    };
  }

  isTerminal(): boolean {
    return TERMINAL_STATUSES.includes(this.status);
  }

  setStatus(status: ReplayJobStatus): void {
    if (this.status === status || this.isTerminal()) return;
    this.status = status;
    if (status === 'RUNNING') this.startedAt ??= Date.now();
    if (this.isTerminal()) this.finishedAt = Date.now();
    this.emit(true);
  }

  recordError(error: ReplayError): void {
    this.errorCount += 1;
    if (this.errors.length < this.maxErrors) this.errors.push(error);
  }

  countFiltered(): void {
    this.filtered += 1;
    this.processed += 1;
  }

  countFailed(error: ReplayError): void {
    this.recordError(error);
    this.processed += 1;
  }

  countDelivered(types: readonly string[]): void {
    for (const type of types) this.countsByType[type] = (this.countsByType[type] ?? 0) + 1;
    this.delivered += types.length;
    this.processed += types.length;
    this.emit();
  }

  /** At most every 100 ms (status changes always), so a fast replay does not flood SSE. */
  emit(force = false): void {
    const now = Date.now();
    if (!force && now - this.lastEmit < 100) return;
    this.lastEmit = now;
    this.emitter.emit('progress', this.snapshot());
  }
}

export interface ReplayJob {
  readonly id: string;
  snapshot(): ReplayJobSnapshot;
  readonly done: Promise<ReplayJobSnapshot>;
  cancel(): void;
  step(n: number): Promise<void>;
  pause(): void;
  /** A STEP_BY_STEP job then runs at MAX. */
  resume(): void;
  updates(signal?: AbortSignal): AsyncIterable<ReplayJobSnapshot>;
  onProgress(listener: (snapshot: ReplayJobSnapshot) => void): () => void;
}

export function jobUpdates(state: JobState, signal?: AbortSignal): AsyncIterable<ReplayJobSnapshot> {
  return {
    async *[Symbol.asyncIterator]() {
      yield state.snapshot();
      if (state.isTerminal()) return;
      const stop = new AbortController();
      const abort = () => stop.abort();
      signal?.addEventListener('abort', abort, { once: true });
      try {
        for await (const [snapshot] of on(state.emitter, 'progress', { signal: stop.signal })) {
          yield snapshot as ReplayJobSnapshot;
          if (TERMINAL_STATUSES.includes((snapshot as ReplayJobSnapshot).status)) return;
        }
      } catch (error) {
        if ((error as Error).name !== 'AbortError') throw error;
      } finally {
        signal?.removeEventListener('abort', abort);
      }
    },
  };
}

export interface JobRegistry {
  add(job: ReplayJob): void;
  get(id: string): ReplayJob | undefined;
  list(): ReplayJobSnapshot[];
  prune(maxAgeMs: number): void;
}

export function createJobRegistry(): JobRegistry {
  const jobs = new Map<string, ReplayJob>();
  return {
    add: (job) => void jobs.set(job.id, job),
    get: (id) => jobs.get(id),
    list: () => [...jobs.values()].map((j) => j.snapshot()),
    prune(maxAgeMs) {
      const cutoff = Date.now() - maxAgeMs;
      for (const [id, job] of jobs) {
        const finished = job.snapshot().finishedAt;
        if (finished !== null && Date.parse(finished) < cutoff) jobs.delete(id);
      }
    },
  };
}
