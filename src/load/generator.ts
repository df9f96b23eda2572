// The load generator behind `bss load`: a setup phase (customers with an active subscription, through
// the API), then open-loop traffic in the configured mix against one or several instances, live
// progress, and a report. Pure scheduling and mix logic live in pacing.ts and mix.ts.
import { randomBytes } from 'node:crypto';
import { jsonClient, type JsonClient, type Reply } from './http.ts';
import { eventsPerOperation, mixPicker, operationRate, type Mix, type Operation } from './mix.ts';
import { schedule, type Phase } from './pacing.ts';
import { seededRandom, zipfSampler } from './random.ts';
import { percentiles, Recorder, type Percentiles } from './stats.ts';
import type { Drained, MediationFeed } from './mediation-feed.ts';
import type { Cdr } from '../mediation/cdr.ts';

export interface LoadStep {
  /** Target events/s (CloudEvents appended) of the step. */
  readonly eventsPerSecond: number;
  readonly durationMs: number;
}

export interface LoadOptions {
  readonly urls: readonly string[];
  readonly apiKey?: string;
  /** One step = a constant rate; several = a ramp. */
  readonly steps: readonly LoadStep[];
  readonly mix: Mix;
  readonly customers: number;
  /** Zipf exponent of the customer picked by each operation (0 = uniform). */
  readonly zipf: number;
  readonly usageBatch: number;
  readonly seed?: number;
  /** Sockets per instance. */
  readonly connections?: number;
  /** Writes carry an Idempotency-Key (their operation id), as a client that retries safely sends. */
  readonly idempotencyKeys?: boolean;
  /** A call not answered in this long counts as a timeout (status ETIMEDOUT). Default 30 s. */
  readonly timeoutMs?: number;
  readonly setupConcurrency?: number;
  readonly progressMs?: number;
  /** Wait at most this long for in-flight calls at the end. */
  readonly drainMs?: number;
  readonly onProgress?: (progress: Progress) => void;
  /** Stops sending (after setup); calls in flight still finish, and the report covers the steps begun. */
  readonly signal?: AbortSignal;
  readonly onSetup?: (done: number, total: number) => void;
  /** Set: usage batches are produced to the mediation feed instead of POST /usage (src/load/mediation-feed.ts). */
  readonly mediation?: MediationFeed;
  /** After the run, wait at most this long for the feed's consumer group to catch up. Default 120 s. */
  readonly mediationDrainMs?: number;
}

/** The usage part of a run that went through the mediation feed. */
export interface MediationReport {
  readonly topic: string;
  readonly group: string;
  /** CDRs the broker acknowledged; each becomes one usage event (rated or rejected) once consumed. */
  readonly produced: number;
  readonly producedPerSecond: number;
  /** Batches that could not be produced. */
  readonly failed: number;
  /** Per batch, ms from its scheduled time to the broker's acknowledgement. */
  readonly produceLatency: Percentiles;
  /** After the run: until the group's lag was 0 (lag > 0 = not drained in time, counted as an error). */
  readonly drain: Drained;
}

export interface Progress {
  readonly elapsedS: number;
  readonly targetEventsPerSecond: number;
  readonly offeredPerSecond: number;
  readonly acceptedPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly inFlight: number;
}

export interface StepReport {
  readonly eventsPerSecond: number;
  readonly durationS: number;
  readonly offeredPerSecond: number;
  readonly acceptedPerSecond: number;
  readonly latency: Percentiles;
  readonly errors: number;
  /** Calls answered 2xx (or produced), per second of the step. */
  readonly okPerSecond: number;
  /** Calls refused with 503 (admission control), their latency, and how many lacked Retry-After. */
  readonly shed: number;
  readonly shedLatency: Percentiles;
  readonly shedWithoutRetryAfter: number;
  /** Calls with no answer in time (ETIMEDOUT). */
  readonly timeouts: number;
}

export interface LoadReport {
  readonly runId: string;
  readonly urls: readonly string[];
  readonly startedAt: string;
  readonly setupS: number;
  readonly durationS: number;
  readonly config: {
    readonly steps: readonly LoadStep[];
    readonly mix: Mix;
    readonly customers: number;
    readonly zipf: number;
    readonly usageBatch: number;
    readonly connections: number;
  };
  readonly operations: { readonly sent: number; readonly completed: number; readonly unfinished: number };
  readonly events: {
    readonly offered: number;
    readonly accepted: number;
    readonly offeredPerSecond: number;
    readonly acceptedPerSecond: number;
  };
  /** Per call kind, ms; the first call of an operation counts from its scheduled time. */
  readonly latency: Readonly<Record<string, Percentiles>>;
  readonly overall: Percentiles;
  /** How late the generator sent calls after their scheduled time (its own saturation). */
  readonly sendLag: Percentiles;
  readonly steps: readonly StepReport[];
  readonly errors: number;
  readonly errorsByStatus: Readonly<Record<string, number>>;
  readonly statuses: Readonly<Record<string, number>>;
  /** Only with `mediation`. */
  readonly mediation?: MediationReport;
}

interface Target {
  readonly customerId: string;
  readonly subscriptionId: string;
}

/** The status of a batch the broker acknowledged: not an HTTP status, but a success. */
export const PRODUCED = 'produced';
const ok = (reply: Reply) => reply.status >= 200 && reply.status < 300;
const statusOf = (reply: Reply) => (reply.status === 0 ? (reply.error ?? 'ERROR') : String(reply.status));
const field = (body: unknown, name: string): unknown =>
  body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;

/** Creates `count` customers, each with one completed order (one active subscription), `concurrency` at a time. */
export async function setupCustomers(
  client: JsonClient,
  urls: readonly string[],
  runId: string,
  count: number,
  concurrency: number,
  onSetup?: (done: number, total: number) => void,
): Promise<Target[]> {
  const targets = new Array<Target>(count);
  let next = 0;
  let done = 0;
  const expect = (reply: Reply, what: string): Record<string, unknown> => {
    if (!ok(reply)) throw new Error(`setup: ${what} answered ${statusOf(reply)}: ${JSON.stringify(reply.body)}`);
    return reply.body as Record<string, unknown>;
  };
  // A setup call refused with 503 (admission control) ran nothing: wait as told and send it again.
  const send = async (method: string, url: string, body: unknown): Promise<Reply> => {
    for (let attempt = 1; ; attempt++) {
      const reply = await client.send(method, url, body);
      if (reply.status !== 503 || attempt >= 30) return reply;
      await new Promise((resolve) => setTimeout(resolve, 1_000 * (Number(reply.retryAfter) || 1)));
    }
  };
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const base = urls[i % urls.length] as string;
      const customerId = `ld-${runId}-${i}`;
      expect(
        await send('POST', `${base}/api/v1/customers`, {
          customerId,
          firstName: 'Load',
          lastName: `Customer ${i}`,
          email: `${customerId}@load.example.com`,
          address: { line1: 'ul. Prosta 1', city: 'Warszawa', postalCode: '00-001', country: 'PL' },
        }),
        'POST /customers',
      );
      const order = expect(
        await send('POST', `${base}/api/v1/orders`, { customerId, items: [{ planId: 'basic' }] }),
        'POST /orders',
      );
      const orderId = String(order['orderId']);
      expect(await send('POST', `${base}/api/v1/orders/${orderId}/approve`, {}), 'approve');
      const completed = expect(await send('POST', `${base}/api/v1/orders/${orderId}/complete`, {}), 'complete');
      const subscriptionId = (completed['subscriptionIds'] as string[] | undefined)?.[0];
      if (!subscriptionId) throw new Error(`setup: order ${orderId} completed without a subscription`);
      targets[i] = { customerId, subscriptionId };
      done++;
      onSetup?.(done, count);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return targets;
}

const USAGE_TYPES = ['voice', 'sms', 'data'] as const;

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const { urls, mix, usageBatch } = options;
  if (urls.length === 0) throw new RangeError('at least one URL');
  const connections = options.connections ?? 64;
  const runId = randomBytes(4).toString('hex');
  const random = seededRandom(options.seed ?? 1);
  const client = jsonClient(options.apiKey, connections, options.timeoutMs);
  const startedAt = new Date();
  const recorder = new Recorder();
  try {
    const setupStarted = performance.now();
    const targets = await setupCustomers(
      client,
      urls,
      runId,
      options.customers,
      options.setupConcurrency ?? 16,
      options.onSetup,
    );
    const setupS = (performance.now() - setupStarted) / 1000;
    // Usage must start after the subscriptions did: never before the setup ended.
    const notBefore = Date.now() + 1;

    const pickCustomer = zipfSampler(targets.length, options.zipf, random);
    const pickOperation = mixPicker(mix);
    const phases: Phase[] = options.steps.map((s) => ({
      durationMs: s.durationMs,
      opsPerSecond: operationRate(s.eventsPerSecond, mix, usageBatch),
    }));
    const plan = schedule(phases);
    const stepEnds: number[] = [];
    options.steps.reduce((end, s) => (stepEnds.push(end + s.durationMs), end + s.durationMs), 0);
    const stepOf = (atMs: number) => {
      const i = stepEnds.findIndex((end) => atMs < end);
      return i < 0 ? stepEnds.length - 1 : i;
    };
    const perStep = options.steps.map(() => ({
      offered: 0,
      accepted: 0,
      errors: 0,
      ok: 0,
      timeouts: 0,
      shedWithoutRetryAfter: 0,
      latencies: [] as number[],
      shedLatencies: [] as number[],
    }));
    const sendLags: number[] = [];

    let sequence = 0;
    let inFlight = 0;
    let completed = 0;
    const t0 = performance.now();
    let stoppedAtMs = plan.totalMs;

    const call = async (
      step: number,
      name: string,
      method: string,
      path: string,
      body: unknown,
      fromMs: number,
      base: string,
    ): Promise<Reply> => {
      // Unique per call: the run, the call, its path and its own start time.
      const key: Record<string, string> =
        options.idempotencyKeys && method !== 'GET' ? { 'idempotency-key': `${runId}-${name}-${path}-${fromMs}` } : {};
      const reply = await client.send(method, `${base}${path}`, body, key);
      const latency = performance.now() - t0 - fromMs;
      measured(step, name, statusOf(reply), latency, ok(reply));
      const bucket = perStep[step];
      if (bucket && reply.status === 503) {
        bucket.shedLatencies.push(latency);
        if (!reply.retryAfter) bucket.shedWithoutRetryAfter++;
      }
      if (bucket && reply.error === 'ETIMEDOUT') bucket.timeouts++;
      return reply;
    };
    function measured(step: number, name: string, status: string, latency: number, success: boolean): void {
      recorder.call(name, status, latency, success);
      const bucket = perStep[step];
      if (bucket) {
        bucket.latencies.push(latency);
        if (success) bucket.ok++;
        else bucket.errors++;
      }
    }
    const feed = options.mediation;
    let produced = 0;
    let produceFailures = 0;
    /** A usage batch into the mediation feed: counted as accepted once the broker acknowledged it. */
    const produce = async (step: number, records: Cdr[], fromMs: number): Promise<void> => {
      let status = PRODUCED;
      try {
        await (feed as MediationFeed).produce(records);
      } catch (error) {
        produceFailures++;
        status = (error as { code?: string }).code ?? (error as Error).name ?? 'Error';
      }
      measured(step, 'usage.produce', status, performance.now() - t0 - fromMs, status === PRODUCED);
      if (status === PRODUCED) {
        produced += records.length;
        accept(step, records.length);
      }
    };
    const accept = (step: number, events: number) => {
      recorder.accepted(events);
      const bucket = perStep[step];
      if (bucket) bucket.accepted += events;
    };

    const operation = async (op: Operation, scheduledMs: number, step: number): Promise<void> => {
      const base = urls[sequence % urls.length] as string;
      const target = targets[pickCustomer()] as Target;
      const id = `${runId}-${sequence++}`;
      const now = () => performance.now() - t0;
      switch (op) {
        case 'usage': {
          const startedAtIso = new Date(Math.max(notBefore, Date.now() - 1_000)).toISOString();
          const records: Cdr[] = Array.from({ length: usageBatch }, (_, i) => {
            const usageType = USAGE_TYPES[Math.floor(random() * 3)] as (typeof USAGE_TYPES)[number];
            const subscriber = i === 0 ? target : (targets[pickCustomer()] as Target);
            return {
              recordId: `${id}-${i}`,
              subscriptionId: subscriber.subscriptionId,
              usageType,
              quantity: 1 + Math.floor(random() * (usageType === 'data' ? 50_000 : usageType === 'voice' ? 600 : 3)),
              startedAt: startedAtIso,
            };
          });
          if (feed) return produce(step, records, scheduledMs);
          const reply = await call(step, 'usage', 'POST', '/api/v1/usage', { records }, scheduledMs, base);
          if (ok(reply)) {
            const recorded = Number(field(reply.body, 'accepted') ?? 0) + Number(field(reply.body, 'rejected') ?? 0);
            accept(step, recorded);
            const refused = Number(field(reply.body, 'invalid') ?? 0) + Number(field(reply.body, 'duplicates') ?? 0);
            if (refused > 0) recorder.call('usage.records', 'invalid-or-duplicate', 0, false);
          }
          return;
        }
        case 'order': {
          const placed = await call(
            step,
            'order.place',
            'POST',
            '/api/v1/orders',
            { orderId: `ord-${id}`, customerId: target.customerId, items: [{ planId: 'basic' }] },
            scheduledMs,
            base,
          );
          if (!ok(placed)) return;
          accept(step, 1);
          let from = now();
          const approved = await call(
            step,
            'order.approve',
            'POST',
            `/api/v1/orders/ord-${id}/approve`,
            {},
            from,
            base,
          );
          if (!ok(approved)) return;
          accept(step, 1);
          from = now();
          const done = await call(step, 'order.complete', 'POST', `/api/v1/orders/ord-${id}/complete`, {}, from, base);
          if (ok(done)) accept(step, 2);
          return;
        }
        case 'payment': {
          const authorized = await call(
            step,
            'payment.authorize',
            'POST',
            '/api/v1/payments',
            {
              paymentId: `pay-${id}`,
              customerId: target.customerId,
              amount: { amount: 100 + Math.floor(random() * 5_000), currency: 'EUR' },
              method: 'card',
            },
            scheduledMs,
            base,
          );
          if (!ok(authorized)) return;
          accept(step, 1);
          const captured = await call(
            step,
            'payment.capture',
            'POST',
            `/api/v1/payments/pay-${id}/capture`,
            {},
            now(),
            base,
          );
          if (ok(captured)) accept(step, 1);
          return;
        }
        case 'customer': {
          const reply = await call(
            step,
            'customer.update',
            'PATCH',
            `/api/v1/customers/${target.customerId}`,
            { phone: `+48600${String(Math.floor(random() * 1_000_000)).padStart(6, '0')}` },
            scheduledMs,
            base,
          );
          if (ok(reply)) accept(step, 1);
          return;
        }
        case 'read': {
          const path =
            random() < 0.5
              ? `/api/v1/customers/${target.customerId}`
              : `/api/v1/customers/${target.customerId}/balance`;
          await call(step, 'read', 'GET', path, undefined, scheduledMs, base);
          return;
        }
      }
    };

    const pending = new Set<Promise<void>>();
    const progressMs = options.progressMs ?? 1_000;
    let lastProgress = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const nowMs = performance.now() - t0;
        for (const at of plan.due(nowMs)) {
          const op = pickOperation();
          const step = stepOf(at);
          const events = eventsPerOperation(op, usageBatch);
          recorder.offered(events);
          const bucket = perStep[step];
          if (bucket) bucket.offered += events;
          sendLags.push(nowMs - at);
          inFlight++;
          const running = operation(op, at, step).finally(() => {
            inFlight--;
            completed++;
            pending.delete(running);
          });
          pending.add(running);
        }
        if (nowMs - lastProgress >= progressMs) {
          const window = recorder.takeWindow();
          const seconds = (nowMs - lastProgress) / 1000;
          lastProgress = nowMs;
          options.onProgress?.({
            elapsedS: nowMs / 1000,
            targetEventsPerSecond: options.steps[stepOf(nowMs)]?.eventsPerSecond ?? 0,
            offeredPerSecond: window.offered / seconds,
            acceptedPerSecond: window.accepted / seconds,
            p50Ms: window.latency.p50,
            p99Ms: window.latency.p99,
            errors: window.errors,
            inFlight,
          });
        }
        if (nowMs >= plan.totalMs || options.signal?.aborted) {
          stoppedAtMs = Math.min(nowMs, plan.totalMs);
          resolve();
        } else setTimeout(tick, 2);
      };
      tick();
    });
    const drained = Promise.all(pending).then(() => true);
    const timedOut = new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(false), options.drainMs ?? 60_000).unref(),
    );
    await Promise.race([drained, timedOut]);
    const durationS = (performance.now() - t0) / 1000;
    const loadS = stoppedAtMs / 1000;
    const mediation: MediationReport | undefined = feed && {
      topic: feed.topic,
      group: feed.group,
      produced,
      producedPerSecond: produced / loadS,
      failed: produceFailures,
      produceLatency: percentiles([...(recorder.latencies.get('usage.produce') ?? [])]),
      drain: await feed.drain(options.mediationDrainMs ?? 120_000),
    };
    const undrained = mediation !== undefined && mediation.drain.lag > 0;
    const atEnd: Record<string, number> = {};
    if (inFlight > 0) atEnd['unfinished at end'] = inFlight;
    if (undrained) atEnd['mediation lag after drain'] = mediation.drain.lag;

    const latency: Record<string, Percentiles> = {};
    const all: number[] = [];
    for (const [name, samples] of [...recorder.latencies].sort(([a], [b]) => a.localeCompare(b))) {
      if (name === 'usage.records') continue;
      for (const sample of samples) all.push(sample); // a spread of 10⁵+ arguments overflows the stack
      latency[name] = percentiles(samples);
    }
    const statuses = Object.fromEntries([...recorder.statuses].sort(([a], [b]) => a.localeCompare(b)));
    const errorsByStatus = Object.fromEntries(
      Object.entries(statuses).filter(([key]) => !/ (2\d\d|produced)$/.test(key)),
    ) as Record<string, number>;
    return {
      runId,
      urls,
      startedAt: startedAt.toISOString(),
      setupS,
      durationS,
      config: { steps: options.steps, mix, customers: options.customers, zipf: options.zipf, usageBatch, connections },
      operations: { sent: recorder.operationsSent, completed, unfinished: inFlight },
      events: {
        offered: recorder.eventsOffered,
        accepted: recorder.eventsAccepted,
        offeredPerSecond: recorder.eventsOffered / loadS,
        acceptedPerSecond: recorder.eventsAccepted / loadS,
      },
      latency,
      overall: percentiles(all),
      sendLag: percentiles(sendLags),
      steps: options.steps.slice(0, stepOf(Math.max(0, stoppedAtMs - 1)) + 1).map((s, i) => {
        const bucket = perStep[i] as (typeof perStep)[number];
        // A step cut short by the signal counts only the time it ran.
        const seconds = (Math.min(stepEnds[i] ?? 0, stoppedAtMs) - (stepEnds[i - 1] ?? 0)) / 1000;
        return {
          eventsPerSecond: s.eventsPerSecond,
          durationS: seconds,
          offeredPerSecond: bucket.offered / seconds,
          acceptedPerSecond: bucket.accepted / seconds,
          latency: percentiles(bucket.latencies),
          errors: bucket.errors,
          okPerSecond: bucket.ok / seconds,
          shed: bucket.shedLatencies.length,
          shedLatency: percentiles(bucket.shedLatencies),
          shedWithoutRetryAfter: bucket.shedWithoutRetryAfter,
          timeouts: bucket.timeouts,
        };
      }),
      errors: recorder.errors + inFlight + (undrained ? 1 : 0),
      errorsByStatus: { ...errorsByStatus, ...atEnd },
      statuses,
      ...(mediation ? { mediation } : {}),
    };
  } finally {
    client.close();
  }
}
