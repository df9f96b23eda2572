import { ok, statusOf, type Reply } from './http.ts';
import { Recorder } from './stats.ts';
import type { LoadStep } from './types.ts';

export interface StepBucket {
  offered: number;
  accepted: number;
  errors: number;
  ok: number;
  timeouts: number;
  shedWithoutRetryAfter: number;
  readonly latencies: number[];
  readonly shedLatencies: number[];
  readonly shedExchanges: number[];
  readonly clientWaits: number[];
}

export class Meter {
  readonly recorder = new Recorder();
  readonly sendLags: number[] = [];
  readonly buckets: StepBucket[];
  readonly stepEnds: number[] = [];

  constructor(steps: readonly LoadStep[]) {
    steps.reduce((end, s) => (this.stepEnds.push(end + s.durationMs), end + s.durationMs), 0);
    this.buckets = steps.map(() => ({
      offered: 0,
      accepted: 0,
      errors: 0,
      ok: 0,
      timeouts: 0,
      shedWithoutRetryAfter: 0,
      latencies: [],
      shedLatencies: [],
      shedExchanges: [],
      clientWaits: [],
    }));
  }

  stepOf(atMs: number): number {
    const i = this.stepEnds.findIndex((end) => atMs < end);
    return i < 0 ? this.stepEnds.length - 1 : i;
  }

  offered(step: number, events: number, sendLagMs: number): void {
    this.recorder.offered(events);
    const bucket = this.buckets[step];
    if (bucket) bucket.offered += events;
    this.sendLags.push(sendLagMs);
  }

  measured(step: number, name: string, status: string, latency: number, success: boolean): void {
    this.recorder.call(name, status, latency, success);
    const bucket = this.buckets[step];
    if (bucket) {
      bucket.latencies.push(latency);
      if (success) bucket.ok++;
      else bucket.errors++;
    }
  }

  replied(step: number, name: string, reply: Reply, latency: number): void {
    this.measured(step, name, statusOf(reply), latency, ok(reply));
    const bucket = this.buckets[step];
    if (bucket && reply.status === 503) {
      bucket.shedLatencies.push(latency);
      if (reply.exchangeMs !== undefined) bucket.shedExchanges.push(reply.exchangeMs);
      if (!reply.retryAfter) bucket.shedWithoutRetryAfter++;
    }
    if (bucket && reply.error === 'ETIMEDOUT') bucket.timeouts++;
    if (bucket && reply.waitedMs !== undefined) bucket.clientWaits.push(reply.waitedMs);
  }

  accept(step: number, events: number): void {
    this.recorder.accepted(events);
    const bucket = this.buckets[step];
    if (bucket) bucket.accepted += events;
  }
}
