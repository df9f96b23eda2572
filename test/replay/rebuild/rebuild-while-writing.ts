// A full read-model rebuild while commands keep committing, on any database and log: afterwards the
// live read models equal the fold of the whole log (nothing a command committed is lost by the swap,
// nothing is folded twice), so no command can find an id free that the log already holds.
import assert from 'node:assert/strict';
import { READ_MODELS } from '../../../src/application/read-model/tables.ts';
import { createUnitOfWork } from '../../../src/application/read-model/unit-of-work.ts';
import type { DomainEvent } from '../../../src/domain/index.ts';
import { appendWithin } from '../../../src/log/database/append.ts';
import type { EventSink } from '../../../src/log/event-sink.ts';
import type { EventLog } from '../../../src/log/event-log.ts';
import { rebuildReadModels, reconstructSystem, type RebuildResult } from '../../../src/replay/index.ts';
import type { Db } from '../../../src/store/db.ts';
import { buildWorkload, codec, toRecord } from '../workload.ts';

/** The database log as a command's sink (what compose.ts gives the command bus without Kafka). */
export const databaseLogSink: EventSink = {
  appendWithin: async (tx, topic, records) => void (await appendWithin(tx, topic, records)),
};

export interface RebuildRig {
  readonly db: Db;
  readonly log: EventLog;
  readonly topic: string;
  /** Where commands append: the database log, or the outbox (Kafka mode). */
  readonly sink: EventSink;
  /** Kafka mode: the outbox settler the composition root gives the rebuild. */
  readonly settle?: () => Promise<void>;
  /** Kafka mode: publishes what is left in the outbox before the log is folded for the comparison. */
  readonly published?: () => Promise<unknown>;
}

/** One command the way the command bus runs it: read model, then the events, in one transaction. */
const command = (rig: RebuildRig, events: readonly DomainEvent[]) =>
  rig.db.transaction(async (tx) => {
    const uow = createUnitOfWork(tx);
    await uow.apply(events);
    await uow.flush();
    await rig.sink.appendWithin(
      tx,
      rig.topic,
      events.map((e) => toRecord(e)),
    );
  });

export async function rebuildWhileWriting(rig: RebuildRig, prefix: string): Promise<RebuildResult> {
  for (const event of buildWorkload(6, `${prefix}-old`).events) await command(rig, [event]);
  const later = buildWorkload(6, `${prefix}-new`);
  let writing = true;
  const writer = (async () => {
    let written = 0;
    for (const event of later.events) {
      await command(rig, [event]);
      written += 1;
      if (!writing && written > 20) break;
    }
    return written;
  })();
  const result = await rebuildReadModels({
    db: rig.db,
    log: rig.log,
    codec,
    topic: rig.topic,
    models: READ_MODELS,
    ...(rig.settle ? { settle: rig.settle } : {}),
  });
  writing = false;
  const written = await writer;
  assert.equal(result.swapped, true);
  assert.ok(written > 0);
  await rig.published?.();
  await assertLiveIsFoldOfLog(rig);
  return result;
}

/** Every live read-model row equals reconstruct(now) of the whole log, and there is no other row. */
export async function assertLiveIsFoldOfLog(rig: Pick<RebuildRig, 'db' | 'log' | 'topic'>): Promise<void> {
  const now = await reconstructSystem({ log: rig.log, codec }, { topic: rig.topic });
  const table = async (name: string) =>
    new Map(
      (await rig.db.query<{ id: string; state: unknown }>(`SELECT id, state FROM ${name}`)).rows.map((r) => [
        r.id,
        r.state,
      ]),
    );
  const views = Object.values(now.customers);
  const expected: Record<string, Map<string, unknown>> = {
    customers: new Map(views.map((v) => [v.customerId, v.customer])),
    balances: new Map(Object.entries(now.customers).map(([id, v]) => [id, v.balance])),
    orders: new Map(views.flatMap((v) => Object.entries(v.orders))),
    subscriptions: new Map(views.flatMap((v) => Object.entries(v.subscriptions))),
    invoices: new Map(views.flatMap((v) => Object.entries(v.invoices))),
    payments: new Map(views.flatMap((v) => Object.entries(v.payments))),
  };
  for (const [name, rows] of Object.entries(expected)) {
    const live = await table(name);
    assert.deepEqual([...live.keys()].sort(), [...rows.keys()].sort(), `${name}: the same ids`);
    for (const [id, state] of rows) assert.deepEqual(live.get(id), state, `${name} ${id}`);
  }
}
