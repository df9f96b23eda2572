// A reproducible stream of real BSS events, encoded by the project's codec into the records the event
// log carries (CloudEvents 1.0 in structured JSON, key = customer id, content-type header).
//
// Mix (by count): 80 % usage.rated, 6 % payment.captured, 5 % invoice.paid, 5 % order.placed,
// 4 % customer.contactUpdated: a telecom log is mostly rated usage. Customers are drawn from a Zipf
// distribution (exponent `zipf`, default 0.8: the busiest of 10,000 customers makes ~3.7 % of the
// events), or uniformly with zipf = 0. One event in ten carries a traceparent (sampled tracing); CDR
// ids are 24 characters, the other ids `<prefix>_<uuid>` as the API makes them. Same seed, same records.
import type { DomainEvent } from '../../src/domain/events.ts';
import { EVENT_CATALOG } from '../../src/events/catalog.ts';
import { createEventCodec } from '../../src/events/codec.ts';
import type { AppendRecord } from '../../src/log/event-log.ts';
// The load generator's seeded PRNG and Zipf sampler, shared so benches and `bss load` draw alike.
import { seededRandom as mulberry32, zipfSampler } from '../../src/load/random.ts';

export { mulberry32, zipfSampler };

const codec = createEventCodec(EVENT_CATALOG);

export interface BssEventOptions {
  /** Distinct customers (= partition keys). Default 10,000. */
  readonly customers?: number;
  /** Zipf exponent of the customer popularity; 0 = uniform. Default 0.8. */
  readonly zipf?: number;
  readonly seed?: number;
  /** Time of the first event (ms); later events are 1 ms apart. Default: now. */
  readonly startMs?: number;
}

export interface BssEventSource {
  /** The next `count` records. */
  take(count: number): AppendRecord[];
  readonly description: string;
}

export function bssEvents(options: BssEventOptions = {}): BssEventSource {
  const customers = options.customers ?? 10_000;
  const exponent = options.zipf ?? 0.8;
  const random = mulberry32(options.seed ?? 42);
  const pickCustomer = zipfSampler(customers, exponent, random);
  const uuid = (): string => uuidFrom(random);
  const customerIds = Array.from({ length: customers }, () => `cus_${uuid()}`);
  const subscriptionOf = customerIds.map(() => `sub_${uuid()}`);
  let clock = options.startMs ?? Date.now();

  const eventFor = (customer: number, at: string): DomainEvent => {
    const customerId = customerIds[customer] as string;
    const roll = random();
    if (roll < 0.8) {
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
          subscriptionId: subscriptionOf[customer] as string,
          customerId,
          usageType,
          quantity,
          unit,
          startedAt: new Date(Date.parse(at) - 60_000).toISOString(),
          planId: 'plan_unlimited_5g',
          planVersion: 3,
          tariff: { amount: 2, currency: 'EUR' },
          tariffUnit,
          amount: { amount: Math.ceil(quantity / 100), currency: 'EUR' },
          at,
        },
      };
    }
    const amount = { amount: 1_000 + Math.floor(random() * 9_000), currency: 'EUR' } as const;
    if (roll < 0.86) return { type: 'payment.captured', data: { paymentId: `pay_${uuid()}`, customerId, amount, at } };
    if (roll < 0.91) {
      return {
        type: 'invoice.paid',
        data: { invoiceId: `inv_${uuid()}`, customerId, paymentId: `pay_${uuid()}`, total: amount, at },
      };
    }
    if (roll < 0.96) {
      const monthlyPrice = { amount: 2_999, currency: 'EUR' } as const;
      return {
        type: 'order.placed',
        data: {
          orderId: `ord_${uuid()}`,
          customerId,
          items: [{ planId: 'plan_unlimited_5g', planName: 'Unlimited 5G', planVersion: 3, monthlyPrice }],
          currency: 'EUR',
          monthlyTotal: monthlyPrice,
          at,
        },
      };
    }
    return {
      type: 'customer.contactUpdated',
      data: {
        customerId,
        email: `customer${customer}@example.com`,
        phone: `+4860${String(customer).padStart(7, '0')}`,
        address: {
          line1: `${customer % 200} Main Street`,
          line2: null,
          city: 'Warsaw',
          postalCode: '00-001',
          country: 'PL',
        },
        at,
      },
    };
  };

  return {
    description: `${customers} customers, ${exponent === 0 ? 'uniform' : `Zipf s=${exponent}`}, seed ${options.seed ?? 42}`,
    take(count) {
      const records: AppendRecord[] = [];
      for (let i = 0; i < count; i++) {
        const at = new Date(clock++).toISOString();
        // Sampled tracing: one event in ten carries a W3C trace context.
        records.push(encodeRecord(eventFor(pickCustomer(), at), random, uuid));
      }
      return records;
    },
  };
}

/** Encodes with the codec (validated) as the API would; one event in ten carries a W3C trace context. */
export function encodeRecord(event: DomainEvent, random: () => number, uuid: () => string): AppendRecord {
  const meta = { id: uuid(), source: '/bss/api' };
  const traced = random() < 0.1;
  return codec.toRecord(
    codec.encode(event, traced ? { ...meta, traceparent: `00-${hex(random, 32)}-${hex(random, 16)}-01` } : meta),
  );
}

export function hex(random: () => number, digits: number): string {
  let out = '';
  for (let i = 0; i < digits; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

/** A version-4 UUID from the seeded PRNG (the codec accepts only UUIDs as event ids). */
export function uuidFrom(random: () => number): string {
  const variant = (8 + Math.floor(random() * 4)).toString(16);
  return `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-${variant}${hex(random, 3)}-${hex(random, 12)}`;
}
