// The three invalidation sources in embedded mode: the command bus's committed changes, the event
// log handler, and NOTIFY from the read-model triggers (PGlite runs the same migration as PostgreSQL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DomainEvent } from '../../src/domain/index.ts';
import type { Cache, InvalidateOptions, InvalidationSource, InvalidationTarget } from '../../src/cache/cache.ts';
import {
  attachWritePathInvalidation,
  createCache,
  createCacheInvalidationHandler,
  entityEntry,
  invalidationsFor,
  notifyInvalidations,
  startNotifyListener,
  type CommitSource,
} from '../../src/cache/index.ts';
import type { CommittedChange } from '../../src/cache/write-path.ts';
import type { DeliveredEvent } from '../../src/log/consumer-runner.ts';
import { createPgliteDb } from '../../src/store/pglite-db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { codec, customerCreated } from '../support/events.ts';
import { waitFor } from '../support/wait.ts';

const at = '2026-01-01T00:00:00.000Z';
const applied: DomainEvent = {
  type: 'payment.applied',
  data: { paymentId: 'p1', customerId: 'c1', invoiceId: 'i1', amount: { amount: 100, currency: 'EUR' }, at },
} as DomainEvent;

function recordingCache(): Cache & { calls: Array<[InvalidationTarget, InvalidationSource, InvalidateOptions?]> } {
  const inner = createCache({ prefix: 'unit:' });
  const calls: Array<[InvalidationTarget, InvalidationSource, InvalidateOptions?]> = [];
  return {
    ...inner,
    calls,
    async invalidate(target, source, options) {
      calls.push([target, source, options]);
      await inner.invalidate(target, source, options);
    },
  };
}

test('invalidationsFor: the events’ aggregates, the balance and the lists of the owning customer', () => {
  const committed: CommittedChange = {
    events: [applied],
    changed: [
      { kind: 'payment', id: 'p1', state: { customerId: 'c1' } },
      { kind: 'invoice', id: 'i1', state: { customerId: 'c1' } },
      { kind: 'balance', id: 'c1', state: { customerId: 'c1' } },
    ],
  };
  const target = invalidationsFor(committed);
  assert.deepEqual(new Set(target.keys), new Set(['payment:p1', 'invoice:i1', 'balance:c1']));
  assert.deepEqual(
    new Set(target.tags),
    new Set(['payment:lists', 'invoice:lists', 'balance:lists', 'customer:c1:lists']),
  );
});

test('the write path invalidates on commit, before the command returns', async () => {
  const listeners: Array<(c: CommittedChange) => void> = [];
  const bus: CommitSource = { onCommitted: (l) => void listeners.push(l) };
  const cache = createCache({ prefix: 'unit:' });
  attachWritePathInvalidation(bus, cache);
  const { key, tags } = entityEntry('invoice', 'i1');
  let n = 0;
  assert.equal(await cache.get(key, async () => ++n, { ttlMs: 60_000, tags }), 1);
  for (const l of listeners) l({ events: [applied], changed: [] });
  // No await: the local invalidation is synchronous.
  assert.equal(await cache.get(key, async () => ++n, { ttlMs: 60_000, tags }), 2);
  assert.equal(cache.stats().invalidations.write, 1);
  await cache.close();
});

test('the event handler invalidates what each event touches, with the log time as commit time', async () => {
  const cache = recordingCache();
  const handler = createCacheInvalidationHandler(cache);
  assert.equal(handler.replaySafe, true);
  const event = customerCreated('c7');
  const decoded = codec.decode(codec.toRecord(event));
  assert.ok(decoded.ok);
  const delivered: DeliveredEvent = {
    event: decoded.event,
    domainEvent: decoded.domainEvent,
    record: { topic: 't', partition: 0, offset: 0, key: 'c7', value: '', timestamp: 1234, headers: {} },
  };
  await handler.handle([delivered]);
  const [target, source, options] = cache.calls[0] ?? [];
  assert.equal(source, 'event');
  assert.equal(options?.committedAt, 1234);
  assert.deepEqual(new Set(target?.keys), new Set(['customer:c7', 'balance:c7']));
  assert.ok(target?.tags?.includes('customer:c7:lists'));
  await createCacheInvalidationHandler(cache, { localOnly: true }).handle([delivered]);
  assert.equal(cache.calls[1]?.[2]?.localOnly, true);
  await cache.close();
});

test('notifyInvalidations: ids → keys and customer lists; a table-wide message → the family tags', () => {
  assert.deepEqual(notifyInvalidations({ s: 'x', t: 'orders', at: 1, ids: ['o1'], c: ['c1'] }), {
    keys: ['order:o1'],
    tags: ['order:lists', 'customer:c1:lists'],
  });
  assert.deepEqual(notifyInvalidations({ s: 'x', t: 'orders', at: 1, all: true }), {
    tags: ['order:all', 'order:lists'],
  });
  assert.equal(notifyInvalidations({ s: 'x', t: 'outbox', at: 1, all: true }), undefined);
});

test('NOTIFY (PGlite): a direct SQL update invalidates the cached row', async () => {
  const db = await createPgliteDb(undefined);
  await migrate(db);
  await db.query(
    `INSERT INTO customers (id, customer_id, status, email, state, version, created_at, updated_at)
     VALUES ('c1', 'c1', 'ACTIVE', 'a@x', '{"email":"a@x"}', 1, now(), now())`,
  );
  const cache = createCache({ prefix: 'unit:' });
  const listener = await startNotifyListener({ db, cache });
  const { key, tags } = entityEntry('customer', 'c1');
  const load = async () =>
    (await db.query<{ email: string }>(`SELECT email FROM customers WHERE id = 'c1'`)).rows[0]?.email;
  assert.equal(await cache.get(key, load, { ttlMs: 60_000, tags }), 'a@x');
  await db.query(`UPDATE customers SET email = 'b@x' WHERE id = 'c1'`);
  await waitFor('notification', () => listener.received >= 1, 5000);
  assert.equal(await cache.get(key, load, { ttlMs: 60_000, tags }), 'b@x');
  await listener.stop();
  await cache.close();
  await db.close();
});
