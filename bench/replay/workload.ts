// A log of valid per-customer BSS histories for the replay benchmark: every customer's events fold
// the way the domain writes them (customer.created first; order.placed → approved →
// subscription.activated → completed; usage.rated only for the customer's active subscriptions; one
// monthly invoice → payment authorized → captured → applied → invoice.paid), so reconstruction does
// the real work. Customers are picked from a Zipf distribution; a picked customer emits its next
// pending step, or a fresh one (mostly usage). Timestamps spread evenly over `spanMs` (a month).
// Generated in chunks, so 10 M events never sit in memory at once. Same seed, same log.
import type { DomainEvent } from '../../src/domain/events.ts';
import type { AppendRecord } from '../../src/log/event-log.ts';
import { encodeRecord, hex, mulberry32, uuidFrom, zipfSampler } from '../lib/bss-events.ts';

export interface HistoryOptions {
  readonly customers: number;
  /** Events in the whole log. */
  readonly events: number;
  readonly zipf?: number;
  readonly seed?: number;
  /** First timestamp (ms). */
  readonly startMs: number;
  /** The events spread evenly over this span. */
  readonly spanMs: number;
}

export interface HistorySource {
  /** The next `count` records (fewer at the end of the log). */
  take(count: number): AppendRecord[];
  readonly generated: number;
  /** Events per type so far. */
  readonly mix: Readonly<Record<string, number>>;
  /** Customer id of Zipf rank `rank` (0 = the busiest). */
  customerAt(rank: number): string;
  /** Events of a customer so far. */
  eventsOf(rank: number): number;
  readonly description: string;
}

type Step = (at: string) => DomainEvent;

interface CustomerState {
  created: boolean;
  subscriptions: string[];
  pending: Step[];
  billed: boolean;
  events: number;
}

const PLAN = { planId: 'plan_unlimited_5g', planName: 'Unlimited 5G', planVersion: 3 } as const;
const MONTHLY = { amount: 2_999, currency: 'EUR' } as const;

export function customerHistories(options: HistoryOptions): HistorySource {
  const random = mulberry32(options.seed ?? 7);
  const pick = zipfSampler(options.customers, options.zipf ?? 0.8, random);
  const uuid = (): string => uuidFrom(random);
  const ids = Array.from({ length: options.customers }, () => `cus_${uuid()}`);
  // Each customer's billing day: the monthly invoice cycle starts after it.
  const billAt = ids.map(() => options.startMs + Math.floor(random() * options.spanMs));
  const states: CustomerState[] = ids.map(() => ({
    created: false,
    subscriptions: [],
    pending: [],
    billed: false,
    events: 0,
  }));
  const mix: Record<string, number> = {};
  let index = 0;

  const orderSteps = (c: number): Step[] => {
    const customerId = ids[c] as string;
    const orderId = `ord_${uuid()}`;
    const subscriptionId = `sub_${uuid()}`;
    return [
      (at) => ({
        type: 'order.placed',
        data: {
          orderId,
          customerId,
          items: [{ ...PLAN, monthlyPrice: MONTHLY }],
          currency: 'EUR',
          monthlyTotal: MONTHLY,
          at,
        },
      }),
      (at) => ({ type: 'order.approved', data: { orderId, customerId, at } }),
      (at) => {
        states[c]?.subscriptions.push(subscriptionId);
        return {
          type: 'subscription.activated',
          data: { subscriptionId, customerId, orderId, planId: PLAN.planId, at },
        };
      },
      (at) => ({ type: 'order.completed', data: { orderId, customerId, subscriptionIds: [subscriptionId], at } }),
    ];
  };

  const invoiceSteps = (c: number, atMs: number): Step[] => {
    const customerId = ids[c] as string;
    const state = states[c] as CustomerState;
    const invoiceId = `inv_${uuid()}`;
    const paymentId = `pay_${uuid()}`;
    const day = new Date(atMs);
    const from = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() - 1, 1)).toISOString().slice(0, 10);
    const to = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), 1)).toISOString().slice(0, 10);
    const lines = state.subscriptions.map((subscriptionId) => ({
      kind: 'recurring' as const,
      subscriptionId,
      planId: PLAN.planId,
      planVersion: PLAN.planVersion,
      description: 'Unlimited 5G',
      monthlyPrice: MONTHLY,
      activeDays: 30,
      periodDays: 30,
      amount: MONTHLY,
    }));
    const total = { amount: MONTHLY.amount * lines.length, currency: 'EUR' } as const;
    const dueAt = new Date(atMs + 14 * 86_400_000).toISOString();
    return [
      (at) => ({
        type: 'invoice.issued',
        data: { invoiceId, customerId, period: { from, to }, currency: 'EUR', lines, total, dueAt, at },
      }),
      (at) => ({
        type: 'payment.authorized',
        data: { paymentId, customerId, amount: total, method: 'card', reference: null, at },
      }),
      (at) => ({ type: 'payment.captured', data: { paymentId, customerId, amount: total, at } }),
      (at) => ({ type: 'payment.applied', data: { paymentId, customerId, invoiceId, amount: total, at } }),
      (at) => ({ type: 'invoice.paid', data: { invoiceId, customerId, paymentId, total, at } }),
    ];
  };

  const usage = (c: number, at: string): DomainEvent => {
    const state = states[c] as CustomerState;
    const subscriptionId = state.subscriptions[Math.floor(random() * state.subscriptions.length)] as string;
    const kind = random();
    const [usageType, unit, tariffUnit, quantity] =
      kind < 0.6
        ? (['data', 'kilobyte', 'megabyte', 1 + Math.floor(random() * 50_000)] as const)
        : kind < 0.9
          ? (['voice', 'second', 'minute', 1 + Math.floor(random() * 1_800)] as const)
          : (['sms', 'message', 'message', 1] as const);
    return {
      type: 'usage.rated',
      data: {
        recordId: `cdr_${hex(random, 20)}`,
        subscriptionId,
        customerId: ids[c] as string,
        usageType,
        quantity,
        unit,
        startedAt: new Date(Date.parse(at) - 60_000).toISOString(),
        planId: PLAN.planId,
        planVersion: PLAN.planVersion,
        tariff: { amount: 2, currency: 'EUR' },
        tariffUnit,
        amount: { amount: Math.ceil(quantity / 100), currency: 'EUR' },
        at,
      },
    };
  };

  const next = (c: number, atMs: number, at: string): DomainEvent => {
    const state = states[c] as CustomerState;
    if (!state.created) {
      state.created = true;
      state.pending.push(...orderSteps(c));
      const customerId = ids[c] as string;
      return {
        type: 'customer.created',
        data: {
          customerId,
          firstName: 'Customer',
          lastName: `No ${c}`,
          email: `customer${c}@example.com`,
          phone: `+4860${String(c).padStart(7, '0')}`,
          address: {
            line1: `${c % 200} Main Street`,
            line2: null,
            city: 'Warsaw',
            postalCode: '00-001',
            country: 'PL',
          },
          at,
        },
      };
    }
    const step = state.pending.shift();
    if (step) return step(at);
    if (!state.billed && atMs >= (billAt[c] as number)) {
      state.billed = true;
      state.pending.push(...invoiceSteps(c, atMs));
      return (state.pending.shift() as Step)(at);
    }
    const roll = random();
    if (roll < 0.01) {
      return {
        type: 'customer.contactUpdated',
        data: {
          customerId: ids[c] as string,
          email: `customer${c}.${Math.floor(random() * 1000)}@example.com`,
          phone: null,
          address: {
            line1: `${c % 300} High Street`,
            line2: null,
            city: 'Krakow',
            postalCode: '30-001',
            country: 'PL',
          },
          at,
        },
      };
    }
    if (roll < 0.012 && state.subscriptions.length < 4) {
      state.pending.push(...orderSteps(c));
      return (state.pending.shift() as Step)(at);
    }
    return usage(c, at);
  };

  return {
    description: `${options.customers.toLocaleString('en-US')} customers, Zipf s=${options.zipf ?? 0.8}, seed ${options.seed ?? 7}, over ${Math.round(options.spanMs / 86_400_000)} days`,
    get generated() {
      return index;
    },
    mix,
    customerAt: (rank) => ids[rank] as string,
    eventsOf: (rank) => states[rank]?.events ?? 0,
    take(count) {
      const records: AppendRecord[] = [];
      const end = Math.min(options.events, index + count);
      for (; index < end; index++) {
        const atMs = options.startMs + Math.floor((index * options.spanMs) / options.events);
        const at = new Date(atMs).toISOString();
        const c = pick();
        const event = next(c, atMs, at);
        (states[c] as CustomerState).events += 1;
        mix[event.type] = (mix[event.type] ?? 0) + 1;
        records.push(encodeRecord(event, random, uuid));
      }
      return records;
    },
  };
}
