// After the run: the ledger against what the system says. Every acknowledged write must be in the
// Kafka log exactly once (distinct event ids; the same id twice is a republished record, counted
// apart) and in the read models; captured money equals each balance's paid; time travel at now equals
// the live read; both instances serve the same data.
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { createKafkaEventLog } from '../../src/log/kafka/kafka-event-log.ts';
import { EVENTS_TOPIC } from '../../src/application/commands/command-bus.ts';
import { assertSameState, httpSend, liveView, type LiveView } from '../../test/support/replay-workload.ts';
import type { Acknowledged, Ledger } from './ledger.ts';
import type { Stack } from './stack.ts';

export interface KindResult {
  acknowledged: number;
  /** Not in the log (or not in the read model). */
  lost: number;
  /** More than one distinct event (or more in the read model) for one write. */
  doubled: number;
}

export interface Checks {
  readonly byKind: Record<string, KindResult>;
  /** Lost and doubled acknowledged writes per fault window. */
  readonly byPhase: Record<string, { lost: number; doubled: number }>;
  readonly log: { records: number; distinctIds: number; republished: number };
  /** Writes the client gave up on that happened once anyway; and any that happened twice. */
  readonly abandonedDone: number;
  readonly abandonedDoubled: string[];
  readonly balanceMismatches: string[];
  readonly readModelMismatches: string[];
  readonly reconstructMismatches: string[];
  readonly instanceDisagreements: string[];
  readonly customersChecked: number;
}

interface LoggedEvent {
  id: string;
  /** type, subject and (a change) the new phone: what one write's event is known by. */
  key: string;
  type: string;
  subject: string;
}

/** Every record of the events topic, decoded to (id, type, subject). */
async function readLog(brokers: string): Promise<LoggedEvent[]> {
  const log = createKafkaEventLog({ brokers: brokers.split(','), clientId: 'bss-chaos-check' });
  try {
    const events: LoggedEvent[] = [];
    for (const { partition, start, end } of await log.offsets(EVENTS_TOPIC)) {
      for (let offset = start; offset < end;) {
        const records = await log.read(EVENTS_TOPIC, partition, offset, { max: 500, endOffset: end });
        if (records.length === 0) break;
        for (const record of records) {
          const event = JSON.parse(record.value) as {
            id: string;
            type: string;
            subject: string;
            data?: { phone?: string };
          };
          const type = event.type.replace(/^com\.droid\.bss\./, '').replace(/\.v\d+$/, '');
          const detail = type === 'customer.contactUpdated' ? ` ${event.data?.phone}` : '';
          events.push({ id: event.id, key: `${type} ${event.subject}${detail}`, type, subject: event.subject });
        }
        offset = (records.at(-1)?.offset ?? offset) + 1;
      }
    }
    return events;
  } finally {
    await log.close();
  }
}

/** Distinct event ids per write key. */
function distinctByKey(events: readonly LoggedEvent[]): Map<string, Set<string>> {
  const ids = new Map<string, Set<string>>();
  for (const e of events) {
    let set = ids.get(e.key);
    if (!set) ids.set(e.key, (set = new Set()));
    set.add(e.id);
  }
  return ids;
}

/** Distinct events in the log for one write (a CDR is rated or rejected). */
function eventsOf(byKey: Map<string, Set<string>>, a: Omit<Acknowledged, 'phase'>): number {
  const types = a.kind === 'cdr' ? ['usage.rated', 'usage.rejected'] : [a.eventType];
  const detail = a.detail !== undefined ? ` ${a.detail}` : '';
  return types.reduce((n, t) => n + (byKey.get(`${t} ${a.subject}${detail}`)?.size ?? 0), 0);
}

async function readModels(url: string) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const ids = async (table: string) =>
      new Set((await db.query<{ id: string }>(`SELECT id FROM ${table}`)).rows.map((r) => r.id));
    const versions = new Map(
      (await db.query<{ id: string; version: number }>('SELECT id, version FROM customers')).rows.map((r) => [
        r.id,
        r.version,
      ]),
    );
    const paid = new Map(
      (await db.query<{ id: string; paid: string }>(`SELECT id, state->>'paid' AS paid FROM balances`)).rows.map(
        (r) => [r.id, Number(r.paid)],
      ),
    );
    const captured = new Set(
      (await db.query<{ id: string }>(`SELECT id FROM payments WHERE status = 'CAPTURED'`)).rows.map((r) => r.id),
    );
    return {
      payments: await ids('payments'),
      orders: await ids('orders'),
      usage: await ids('usage_records'),
      versions,
      paid,
      captured,
    };
  } finally {
    await db.end();
  }
}

export async function check(stack: Stack, ledger: Ledger, adminKey: string): Promise<Checks> {
  const events = await readLog(stack.kafka.brokers);
  const byKey = distinctByKey(events);
  const distinctIds = new Set(events.map((e) => e.id)).size;
  const models = await readModels(stack.postgres.url);
  const byKind: Record<string, KindResult> = {};
  const byPhase: Record<string, { lost: number; doubled: number }> = {};
  const readModelMismatches: string[] = [];
  for (const a of ledger.acknowledged) {
    const kind = (byKind[a.kind] ??= { acknowledged: 0, lost: 0, doubled: 0 });
    const phase = (byPhase[a.phase] ??= { lost: 0, doubled: 0 });
    kind.acknowledged++;
    const found = eventsOf(byKey, a);
    const lost = found === 0 ? 1 : 0;
    const doubled = Math.max(0, found - 1);
    kind.lost += lost;
    phase.lost += lost;
    kind.doubled += doubled;
    phase.doubled += doubled;
    if (!inReadModel(models, a)) readModelMismatches.push(`${a.kind} ${a.subject}: not in the read model`);
  }
  // A write the client gave up on may have happened (once) or not, never twice.
  const abandonedDone = ledger.abandoned.filter((a) => eventsOf(byKey, a) === 1);
  const abandonedDoubled = ledger.abandoned.filter((a) => eventsOf(byKey, a) > 1).map((a) => `${a.kind} ${a.subject}`);
  // Each contact change is one customer version: the read model's version counts them.
  const balanceMismatches: string[] = [];
  const captured = ledger.capturedBy(abandonedDone);
  for (const customerId of ledger.touchedCustomers()) {
    const paid = models.paid.get(customerId) ?? 0;
    if (paid !== (captured.get(customerId) ?? 0))
      balanceMismatches.push(`${customerId}: paid ${paid}, ledger ${captured.get(customerId) ?? 0}`);
    const logged = [...byKey.keys()].filter((k) => k.startsWith(`customer.contactUpdated ${customerId} `)).length;
    if (models.versions.get(customerId) !== 1 + logged)
      readModelMismatches.push(
        `${customerId}: version ${models.versions.get(customerId)}, ${logged} changes in the log`,
      );
  }
  return {
    byKind,
    byPhase,
    log: { records: events.length, distinctIds, republished: events.length - distinctIds },
    abandonedDone: abandonedDone.length,
    abandonedDoubled,
    balanceMismatches,
    readModelMismatches,
    ...(await compareViews(stack, ledger.touchedCustomers(), adminKey)),
    customersChecked: ledger.touchedCustomers().length,
  };
}

function inReadModel(models: Awaited<ReturnType<typeof readModels>>, a: Acknowledged): boolean {
  switch (a.kind) {
    case 'cdr':
      return models.usage.has(a.subject);
    case 'order':
      return models.orders.has(a.subject);
    case 'authorize':
      return models.payments.has(a.subject);
    case 'capture':
      return models.captured.has(a.subject);
    case 'customer':
    case 'change':
      return models.versions.has(a.customerId);
  }
}

/** Time travel at now against the live read, and instance a against instance b, per customer. */
async function compareViews(stack: Stack, customers: readonly string[], adminKey: string) {
  const [a, b] = stack.instances.map((i) => httpSend(i.url, adminKey));
  if (!a || !b) throw new Error('two instances');
  const reconstructMismatches: string[] = [];
  const instanceDisagreements: string[] = [];
  const { status, body } = await a('POST', '/api/v1/event-replay/reconstruct-state', {});
  if (status !== 200)
    reconstructMismatches.push(`reconstruct-state answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
  for (const id of customers) {
    const live: LiveView = await liveView(a, id);
    try {
      if (status === 200) assertSameState(body.customers[id], live, id);
    } catch (error) {
      reconstructMismatches.push((error as Error).message.split('\n')[0] ?? id);
    }
    if (!isDeepStrictEqual(live, await liveView(b, id))) instanceDisagreements.push(id);
  }
  return { reconstructMismatches, instanceDisagreements };
}
