import { field, ok, type JsonClient, type Reply } from './http.ts';
import type { Meter } from './meter.ts';
import type { MediationFeed } from './mediation-feed.ts';
import type { Operation } from './mix.ts';
import type { Target } from './types.ts';
import type { Cdr } from '../mediation/cdr.ts';
import type { UsageLedger } from './usage-ledger.ts';

/** Not an HTTP status: the broker acknowledged the batch. */
export const PRODUCED = 'produced';
const USAGE_TYPES = ['voice', 'sms', 'data'] as const;

export interface RunContext {
  readonly runId: string;
  readonly urls: readonly string[];
  readonly targets: readonly Target[];
  readonly pickCustomer: () => number;
  readonly random: () => number;
  readonly usageBatch: number;
  /** Usage must start after the subscriptions did. */
  readonly notBefore: number;
  readonly idempotencyKeys: boolean;
  readonly client: JsonClient;
  readonly meter: Meter;
  readonly t0: number;
  readonly feed: MediationFeed | undefined;
  readonly ledger: UsageLedger | undefined;
}

interface Turn {
  readonly step: number;
  readonly scheduledMs: number;
  readonly base: string;
  readonly target: Target;
  readonly id: string;
}

export class Operations {
  produced = 0;
  produceFailures = 0;
  #sequence = 0;
  readonly #run: RunContext;

  constructor(run: RunContext) {
    this.#run = run;
  }

  async run(op: Operation, scheduledMs: number, step: number): Promise<void> {
    const { urls, targets, pickCustomer, runId } = this.#run;
    const turn: Turn = {
      step,
      scheduledMs,
      base: urls[this.#sequence % urls.length] as string,
      target: targets[pickCustomer()] as Target,
      id: `${runId}-${this.#sequence++}`,
    };
    switch (op) {
      case 'usage':
        return this.#usage(turn);
      case 'order':
        return this.#order(turn);
      case 'payment':
        return this.#payment(turn);
      case 'customer':
        return this.#customer(turn);
      case 'read':
        return this.#read(turn);
    }
  }

  #now(): number {
    return performance.now() - this.#run.t0;
  }

  /** Latency counts from `fromMs` (the scheduled time for an operation's first call). */
  async #call(turn: Turn, name: string, method: string, path: string, body: unknown, fromMs: number): Promise<Reply> {
    const { client, idempotencyKeys, runId, meter } = this.#run;
    const key: Record<string, string> =
      idempotencyKeys && method !== 'GET' ? { 'idempotency-key': `${runId}-${name}-${path}-${fromMs}` } : {};
    const reply = await client.send(method, `${turn.base}${path}`, body, key);
    meter.replied(turn.step, name, reply, this.#now() - fromMs);
    return reply;
  }

  #cdrs(turn: Turn): Cdr[] {
    const { random, targets, pickCustomer, usageBatch, notBefore } = this.#run;
    const startedAt = new Date(Math.max(notBefore, Date.now() - 1_000)).toISOString();
    return Array.from({ length: usageBatch }, (_, i) => {
      const usageType = USAGE_TYPES[Math.floor(random() * 3)] as (typeof USAGE_TYPES)[number];
      const subscriber = i === 0 ? turn.target : (targets[pickCustomer()] as Target);
      return {
        recordId: `${turn.id}-${i}`,
        subscriptionId: subscriber.subscriptionId,
        usageType,
        quantity: 1 + Math.floor(random() * (usageType === 'data' ? 50_000 : usageType === 'voice' ? 600 : 3)),
        startedAt,
      };
    });
  }

  async #usage(turn: Turn): Promise<void> {
    const records = this.#cdrs(turn);
    const { ledger } = this.#run;
    ledger?.sending(records.map((r) => r.recordId));
    if (this.#run.feed) return this.#produce(turn, records);
    const reply = await this.#call(turn, 'usage', 'POST', '/api/v1/usage', { records }, turn.scheduledMs);
    if (!ok(reply)) return;
    ledger?.acknowledgeResults(field(reply.body, 'results'));
    const recorded = Number(field(reply.body, 'accepted') ?? 0) + Number(field(reply.body, 'rejected') ?? 0);
    this.#run.meter.accept(turn.step, recorded);
    const refused = Number(field(reply.body, 'invalid') ?? 0) + Number(field(reply.body, 'duplicates') ?? 0);
    if (refused > 0) this.#run.meter.recorder.call('usage.records', 'invalid-or-duplicate', 0, false);
  }

  async #produce(turn: Turn, records: Cdr[]): Promise<void> {
    let status = PRODUCED;
    try {
      await (this.#run.feed as MediationFeed).produce(records);
    } catch (error) {
      this.produceFailures++;
      status = (error as { code?: string }).code ?? (error as Error).name ?? 'Error';
    }
    const { meter } = this.#run;
    meter.measured(turn.step, 'usage.produce', status, this.#now() - turn.scheduledMs, status === PRODUCED);
    if (status === PRODUCED) {
      this.#run.ledger?.acknowledgeAll(records.map((r) => r.recordId));
      this.produced += records.length;
      meter.accept(turn.step, records.length);
    }
  }

  async #order(turn: Turn): Promise<void> {
    const { step, id, target } = turn;
    const { meter } = this.#run;
    const body = { orderId: `ord-${id}`, customerId: target.customerId, items: [{ planId: 'basic' }] };
    const placed = await this.#call(turn, 'order.place', 'POST', '/api/v1/orders', body, turn.scheduledMs);
    if (!ok(placed)) return;
    meter.accept(step, 1);
    const approve = `/api/v1/orders/ord-${id}/approve`;
    const approved = await this.#call(turn, 'order.approve', 'POST', approve, {}, this.#now());
    if (!ok(approved)) return;
    meter.accept(step, 1);
    const complete = `/api/v1/orders/ord-${id}/complete`;
    const done = await this.#call(turn, 'order.complete', 'POST', complete, {}, this.#now());
    if (ok(done)) meter.accept(step, 2);
  }

  async #payment(turn: Turn): Promise<void> {
    const { step, id, target } = turn;
    const { meter, random } = this.#run;
    const body = {
      paymentId: `pay-${id}`,
      customerId: target.customerId,
      amount: { amount: 100 + Math.floor(random() * 5_000), currency: 'EUR' },
      method: 'card',
    };
    const authorized = await this.#call(turn, 'payment.authorize', 'POST', '/api/v1/payments', body, turn.scheduledMs);
    if (!ok(authorized)) return;
    meter.accept(step, 1);
    const capture = `/api/v1/payments/pay-${id}/capture`;
    const captured = await this.#call(turn, 'payment.capture', 'POST', capture, {}, this.#now());
    if (ok(captured)) meter.accept(step, 1);
  }

  async #customer(turn: Turn): Promise<void> {
    const phone = `+48600${String(Math.floor(this.#run.random() * 1_000_000)).padStart(6, '0')}`;
    const path = `/api/v1/customers/${turn.target.customerId}`;
    const reply = await this.#call(turn, 'customer.update', 'PATCH', path, { phone }, turn.scheduledMs);
    if (ok(reply)) this.#run.meter.accept(turn.step, 1);
  }

  async #read(turn: Turn): Promise<void> {
    const customer = `/api/v1/customers/${turn.target.customerId}`;
    const path = this.#run.random() < 0.5 ? customer : `${customer}/balance`;
    await this.#call(turn, 'read', 'GET', path, undefined, turn.scheduledMs);
  }
}
