// The filtered histogram's contract on any EventLog (PGlite, PostgreSQL, Kafka): per bucket, exactly the
// records the timeline's filter (type, customer, source, free text) lets through, counted by the log
// itself where it can (the database log: type, customer, source); a scan is bounded by its limit, after
// which it says `partial` and counts exactly what came before `countedUntil`.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventLog } from '../../../src/log/event-log.ts';
import { timeline, type EventFilter } from '../../../src/replay/index.ts';
import { eventHistogram } from '../../../src/replay/time-travel/histogram.ts';
import { sliceByTimeSpan } from '../../../src/replay/shared/records.ts';
import { buildWorkload, codec, toRecord } from '../workload.ts';

const workload = buildWorkload(4);
const BUCKETS = 10;

interface Item {
  readonly at: number;
  readonly value: string;
  readonly type: string | null;
  readonly customerId: string;
  readonly source: string | null;
}

export function histogramContract(world: () => { log: EventLog; newTopic(): Promise<string> }): void {
  let topic: string;
  // What the topic holds: the workload (source /bss/test), then two of cus-1's events again from another
  // source and a record that is not an event (counted only by a filter that needs no decoding), an
  // hour apart after it (timestamps do not decrease within a partition).
  const records = workload.events.map((e) => toRecord(e));
  const items: Item[] = workload.events.map((e, i) => ({
    at: Date.parse(e.data.at),
    value: records[i]!.value,
    type: e.type,
    customerId: e.data.customerId,
    source: '/bss/test',
  }));
  const last = items.at(-1)!.at;
  const later = (n: number) => last + n * 3_600_000;
  const others = workload.events
    .filter((e) => e.data.customerId === 'cus-1')
    .slice(2, 4)
    .map((e, n) => ({ event: e, record: { ...toRecord(e, '/x'), timestamp: later(n + 1) } }));
  const junk = { key: 'cus-1', value: 'not an event', timestamp: later(3) };
  items.push(
    ...others.map(({ event, record }) => ({
      at: record.timestamp,
      value: record.value,
      type: event.type,
      customerId: 'cus-1',
      source: '/x',
    })),
  );
  items.push({ at: junk.timestamp, value: junk.value, type: null, customerId: 'cus-1', source: null });
  const start = items[0]!.at;
  const end = items.at(-1)!.at + 1;
  const bucketMs = Math.ceil((end - start) / BUCKETS);

  const matches = (filter: EventFilter) => (i: Item) =>
    (filter.customerId === undefined || i.customerId === filter.customerId) &&
    (!filter.types?.length || (i.type !== null && filter.types.includes(i.type))) &&
    (!filter.sources?.length || (i.source !== null && filter.sources.includes(i.source))) &&
    (filter.text === undefined || i.value.toLowerCase().includes(filter.text.toLowerCase()));
  const expected = (filter: EventFilter, before = Infinity) => {
    const counts: number[] = Array.from({ length: BUCKETS }, () => 0);
    for (const i of items.filter(matches(filter)).filter((i) => i.at < before))
      counts[Math.floor((i.at - start) / bucketMs)]!++;
    return counts;
  };

  before(async () => {
    const { log, newTopic } = world();
    topic = await newTopic();
    for (let i = 0; i < records.length; i += 200) {
      for (const slice of sliceByTimeSpan(records.slice(i, i + 200))) await log.append(topic, slice);
    }
    await log.append(
      topic,
      others.map((o) => o.record),
    );
    await log.append(topic, [junk]);
  });

  const filters: [string, EventFilter][] = [
    ['a type', { types: ['payment.captured'] }],
    ['two types', { types: ['customer.created', 'order.placed'] }],
    ['a customer', { customerId: 'cus-1' }],
    ['a customer and a type', { customerId: 'cus-1', types: ['order.placed'] }],
    ['a source', { sources: ['/x'] }],
    ['free text, ignoring case', { text: 'CUS-1@Example' }],
    ['free text in a record that is not an event', { text: 'not an EVENT' }],
  ];
  for (const [what, filter] of filters) {
    test(`filtered by ${what}: each bucket counts exactly the matching records; the timeline lists as many`, async () => {
      const h = await eventHistogram(world().log, topic, { buckets: BUCKETS, filter });
      assert.equal(h.start, start);
      assert.equal(h.end, end);
      assert.deepEqual(
        h.buckets.map((b) => b.count),
        expected(filter),
      );
      assert.equal(h.total, items.filter(matches(filter)).length);
      assert.ok(h.total > 0);
      assert.equal(h.partial, false);
      assert.equal(h.countedUntil, null);
      // The database log counts types, customers and sources itself; free text (and Kafka) reads records.
      const byLog = world().log.countByTime !== undefined && filter.text === undefined;
      assert.deepEqual(
        { countedBy: h.countedBy, read: h.scanned > 0 },
        byLog ? { countedBy: 'log', read: false } : { countedBy: 'scan', read: true },
      );
      // The list with the same filter (every page) holds the same events.
      let listed = 0;
      let cursor: string | undefined;
      do {
        const page = await timeline({ log: world().log, codec }, { topic, filter, ...(cursor ? { cursor } : {}) });
        listed += page.events.length;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      assert.equal(listed, h.total);
    });
  }

  test('unfiltered: counted by log positions, reading no record', async () => {
    const h = await eventHistogram(world().log, topic, { buckets: BUCKETS });
    assert.equal(h.total, items.length);
    assert.deepEqual(
      { countedBy: h.countedBy, scanned: h.scanned, partial: h.partial },
      { countedBy: 'positions', scanned: 0, partial: false },
    );
  });

  test('beyond the scan limit: partial, exact before countedUntil, and counted no further', async () => {
    // Free text makes every log read the records (every event's JSON holds "specversion").
    const filter = { types: ['payment.captured', 'usage.rated', 'invoice.issued'], text: 'SpecVersion' };
    const scanLimit = Math.floor(items.length / 2);
    const h = await eventHistogram(world().log, topic, { buckets: BUCKETS, filter, scanLimit });
    assert.equal(h.partial, true);
    assert.equal(h.scanned, scanLimit);
    // Read in time order: the record after the limit is the item at that index.
    assert.equal(h.countedUntil, items[scanLimit]!.at);
    const exact = expected(filter, h.countedUntil!);
    const atMost = expected(filter, h.countedUntil! + 1); // ties at countedUntil may be counted
    h.buckets.forEach((b, i) => assert.ok(b.count >= exact[i]! && b.count <= atMost[i]!, `bucket ${i}`));
    assert.ok(h.total < items.filter(matches(filter)).length);
  });

  test('a filter on an unknown type, or a scan limit out of range, is a 400', async () => {
    await assert.rejects(
      eventHistogram(world().log, topic, { buckets: BUCKETS, filter: { types: ['no.such'] } }),
      (e: { status?: number }) => e.status === 400,
    );
    await assert.rejects(
      eventHistogram(world().log, topic, { buckets: BUCKETS, filter: { customerId: 'cus-1' }, scanLimit: 0 }),
      (e: { status?: number }) => e.status === 400,
    );
  });
}
