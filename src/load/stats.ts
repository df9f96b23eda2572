export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank; sorts in place. */
export function percentiles(samples: number[]): Percentiles {
  const n = samples.length;
  if (n === 0) return { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  samples.sort((a, b) => a - b);
  const at = (p: number) => samples[Math.min(n, Math.max(1, Math.ceil((p / 100) * n))) - 1] as number;
  let sum = 0;
  for (const s of samples) sum += s;
  return { count: n, p50: at(50), p95: at(95), p99: at(99), max: samples[n - 1] as number, mean: sum / n };
}

export class Recorder {
  readonly latencies = new Map<string, number[]>();
  /** By "name status", e.g. "order.place 409", "read ECONNREFUSED". */
  readonly statuses = new Map<string, number>();
  operationsSent = 0;
  operationsDone = 0;
  eventsOffered = 0;
  eventsAccepted = 0;
  errors = 0;
  private window: number[] = [];
  private windowOffered = 0;
  private windowAccepted = 0;
  private windowErrors = 0;

  offered(events: number): void {
    this.operationsSent++;
    this.eventsOffered += events;
    this.windowOffered += events;
  }

  accepted(events: number): void {
    this.eventsAccepted += events;
    this.windowAccepted += events;
  }

  call(name: string, status: string, latencyMs: number, ok: boolean): void {
    let list = this.latencies.get(name);
    if (!list) this.latencies.set(name, (list = []));
    list.push(latencyMs);
    this.window.push(latencyMs);
    const key = `${name} ${status}`;
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
    if (!ok) {
      this.errors++;
      this.windowErrors++;
    }
  }

  takeWindow(): { offered: number; accepted: number; errors: number; latency: Percentiles } {
    const out = {
      offered: this.windowOffered,
      accepted: this.windowAccepted,
      errors: this.windowErrors,
      latency: percentiles(this.window),
    };
    this.window = [];
    this.windowOffered = 0;
    this.windowAccepted = 0;
    this.windowErrors = 0;
    return out;
  }
}
