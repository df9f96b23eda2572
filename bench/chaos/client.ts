// The open-loop client: writes at a fixed rate whatever the answers (orders, payments authorized then
// captured, contact changes, single CDRs), each with an Idempotency-Key, retried with the same key on
// whichever instance until it is acknowledged, refused for good, or the retry budget runs out.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Acknowledged, Ledger } from './ledger.ts';

export interface Target {
  readonly customerId: string;
  readonly subscriptionId: string;
}

export interface ClientOptions {
  readonly urls: readonly string[];
  readonly apiKey: string;
  readonly opsPerSecond: number;
  readonly targets: readonly Target[];
  readonly ledger: Ledger;
  /** The fault window an attempt belongs to (the runner moves it). */
  readonly phase: () => string;
  readonly retryBudgetMs: number;
  readonly runId: string;
}

export interface Client {
  /** Stops sending new operations and waits for the ones in flight (their retries included). */
  stop(): Promise<void>;
}

interface Write {
  readonly kind: Acknowledged['kind'];
  readonly method: 'POST' | 'PATCH';
  readonly path: string;
  readonly body: unknown;
  readonly eventType: string;
  readonly subject: string;
  readonly customerId: string;
  readonly amount?: number;
  readonly detail?: string;
}

/** Answers a retry may change: no answer, 5xx, rate limits, a key still in progress, a conflict to retry. */
function retryable(status: number, body: { retryable?: boolean } | null): boolean {
  return status === 0 || status >= 500 || status === 408 || status === 429 || body?.retryable === true;
}

export function startClient(options: ClientOptions): Client {
  const { urls, ledger } = options;
  let sequence = 0;
  let stopped = false;
  const inFlight = new Set<Promise<void>>();

  /** One write until acknowledged or given up; resolves true when acknowledged. */
  async function write(w: Write): Promise<boolean> {
    const key = `${options.runId}-${randomUUID()}`;
    const deadline = Date.now() + options.retryBudgetMs;
    let instance = sequence % urls.length;
    let lastStatus = '';
    for (let attempt = 0; ; attempt++) {
      const sentAt = Date.now();
      let status = 0;
      let body: { retryable?: boolean; code?: string } | null = null;
      let retryAfterS = 0;
      try {
        const response = await fetch(`${urls[instance]}${w.path}`, {
          method: w.method,
          headers: { 'x-api-key': options.apiKey, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(w.body),
          signal: AbortSignal.timeout(10_000),
        });
        status = response.status;
        const text = await response.text();
        body = text.startsWith('{') ? (JSON.parse(text) as { retryable?: boolean; code?: string }) : null;
        retryAfterS = Number(response.headers.get('retry-after') ?? 0);
        lastStatus = status >= 400 && body?.code ? `${status} ${body.code}` : String(status);
        if (status >= 400 && !retryable(status, body))
          ledger.refused.push({ kind: w.kind, subject: w.subject, status: lastStatus, body: text.slice(0, 300) });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause;
        lastStatus = cause?.code ?? (error as Error).name;
      }
      const ok = status >= 200 && status < 300;
      ledger.attempts.push({ phase: options.phase(), instance, status: lastStatus, sentAt, doneAt: Date.now(), ok });
      const entry = {
        kind: w.kind,
        eventType: w.eventType,
        subject: w.subject,
        customerId: w.customerId,
        key,
        ...(w.amount !== undefined ? { amount: w.amount } : {}),
        ...(w.detail !== undefined ? { detail: w.detail } : {}),
      };
      if (ok) {
        ledger.acknowledged.push({ ...entry, phase: options.phase() });
        return true;
      }
      if (status !== 0 && !retryable(status, body)) return false;
      if (Date.now() > deadline) {
        ledger.abandoned.push({ ...entry, lastStatus });
        return false;
      }
      instance = (instance + 1) % urls.length; // a load balancer sends the retry anywhere
      await sleep(Math.min(Math.max(retryAfterS * 1000, 100 * 2 ** Math.min(attempt, 3)), 1000));
    }
  }

  async function operation(n: number): Promise<void> {
    const target = options.targets[n % options.targets.length] as Target;
    const customerId = target.customerId;
    const id = `${options.runId}-${n}`;
    const pick = n % 20;
    if (pick < 10) {
      const recordId = `cdr-${id}`;
      const record = {
        recordId,
        subscriptionId: target.subscriptionId,
        usageType: 'sms',
        quantity: 1,
        startedAt: new Date().toISOString(),
      };
      await write({
        kind: 'cdr',
        method: 'POST',
        path: '/api/v1/usage',
        body: { records: [record] },
        eventType: 'usage.rated',
        subject: recordId,
        customerId,
      });
    } else if (pick < 14) {
      const paymentId = `pay-${id}`;
      const amount = 100 + (n % 50) * 10;
      const authorized = await write({
        kind: 'authorize',
        method: 'POST',
        path: '/api/v1/payments',
        eventType: 'payment.authorized',
        subject: paymentId,
        customerId,
        body: { paymentId, customerId, amount: { amount, currency: 'EUR' }, method: 'card' },
      });
      if (authorized) {
        await write({
          kind: 'capture',
          method: 'POST',
          path: `/api/v1/payments/${paymentId}/capture`,
          body: {},
          eventType: 'payment.captured',
          subject: paymentId,
          customerId,
          amount,
        });
      }
    } else if (pick < 17) {
      const phone = `+48600${String(n % 1_000_000).padStart(6, '0')}`; // unique per run: tells the changes apart
      await write({
        kind: 'change',
        method: 'PATCH',
        path: `/api/v1/customers/${customerId}`,
        body: { phone },
        eventType: 'customer.contactUpdated',
        subject: customerId,
        customerId,
        detail: phone,
      });
    } else {
      const orderId = `ord-${id}`;
      await write({
        kind: 'order',
        method: 'POST',
        path: '/api/v1/orders',
        body: { orderId, customerId, items: [{ planId: 'basic' }] },
        eventType: 'order.placed',
        subject: orderId,
        customerId,
      });
    }
  }

  // Open loop: operations start on schedule, however long earlier ones take.
  const intervalMs = 1000 / options.opsPerSecond;
  const started = performance.now();
  const loop = (async () => {
    while (!stopped) {
      const n = sequence++;
      const running = operation(n).finally(() => inFlight.delete(running));
      inFlight.add(running);
      const due = started + (n + 1) * intervalMs - performance.now();
      if (due > 0) await sleep(due);
    }
  })();

  return {
    async stop() {
      stopped = true;
      await loop;
      await Promise.all(inFlight);
    },
  };
}
