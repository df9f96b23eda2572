import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { CloudEvent, Kafka, type KafkaMessage } from 'cloudevents';
import { createEventCodec } from '../../src/events/codec.ts';
import { EVENT_CATALOG } from '../../src/events/catalog.ts';
import { DOMAIN_EVENT_TYPES } from '../../src/domain/events.ts';
import { customer } from '../../src/domain/index.ts';

const codec = createEventCodec(EVENT_CATALOG);
const created = customer.decide(
  {
    type: 'CreateCustomer',
    customerId: 'cus-1',
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    address: { line1: '1 Analytical St', city: 'London', postalCode: 'N1', country: 'GB' },
    at: '2026-03-01T10:00:00.000Z',
  },
  null,
)[0];
assert.ok(created);
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

test('the catalog lists every domain event type as com.droid.bss.<type>.v1', () => {
  assert.deepEqual([...codec.types].sort(), DOMAIN_EVENT_TYPES.map((t) => `com.droid.bss.${t}.v1`).sort());
});

test('encode builds a CloudEvents 1.0 envelope: subject = entity id, partitionkey = customer id', () => {
  const id = randomUUID();
  const event = codec.encode(created, { id, source: '/bss/api', traceparent });
  assert.deepEqual(
    { ...event, data: undefined },
    {
      specversion: '1.0',
      id,
      source: '/bss/api',
      type: 'com.droid.bss.customer.created.v1',
      subject: 'cus-1',
      time: '2026-03-01T10:00:00.000Z',
      datacontenttype: 'application/json',
      partitionkey: 'cus-1',
      traceparent,
      data: undefined,
    },
  );
});

test('our records are valid CloudEvents for the official SDK, directly and through its Kafka binding', () => {
  const event = codec.encode(created, { id: randomUUID(), source: '/bss/api', traceparent });
  const record = codec.toRecord(event);
  const sdkEvent = new CloudEvent(JSON.parse(record.value) as Record<string, unknown>, true);
  assert.equal(sdkEvent.validate(), true);
  assert.equal(sdkEvent['partitionkey'], 'cus-1');
  const message: KafkaMessage<string> = {
    key: record.key,
    value: record.value,
    headers: { ...record.headers },
    body: record.value,
  };
  const viaKafka = Kafka.toEvent(message) as CloudEvent;
  assert.equal(viaKafka.type, 'com.droid.bss.customer.created.v1');
  assert.equal(viaKafka.validate(), true);
  assert.deepEqual(viaKafka.data, created.data);
});

test('toRecord keys by customer and stamps the record with the event time', () => {
  const record = codec.toRecord(codec.encode(created, { id: randomUUID(), source: '/bss/api' }));
  assert.equal(record.key, 'cus-1');
  assert.equal(record.timestamp, Date.parse('2026-03-01T10:00:00.000Z'));
  assert.match(record.headers?.['content-type'] ?? '', /^application\/cloudevents\+json/);
});

test('decode returns the envelope and the domain event of a valid record', () => {
  const event = codec.encode(created, { id: randomUUID(), source: '/bss/api' });
  const decoded = codec.decode(codec.toRecord(event));
  assert.ok(decoded.ok);
  assert.deepEqual(decoded.domainEvent, created);
  assert.equal(decoded.event.id, event.id);
});

test('encode refuses data that does not match the catalog', () => {
  const broken = { type: 'customer.created', data: { ...created.data, email: 'not-an-email' } };
  assert.throws(() => codec.encode(broken, { id: randomUUID(), source: '/bss/api' }), /email/);
  assert.throws(
    () => codec.encode({ type: 'customer.exploded', data: created.data }, { id: randomUUID(), source: '/x' }),
    /unknown event type/,
  );
});

test('decode names the reason a record is not a valid BSS event', () => {
  const good = JSON.parse(
    codec.toRecord(codec.encode(created, { id: randomUUID(), source: '/bss/api' })).value,
  ) as Record<string, unknown>;
  const cases: Array<[string, string]> = [
    ['{not json', 'not JSON'],
    ['42', 'not a JSON object'],
    [JSON.stringify({ ...good, specversion: '0.3' }), 'specversion'],
    [JSON.stringify({ ...good, id: 'x' }), 'UUID'],
    [JSON.stringify({ ...good, subject: undefined }), 'subject'],
    [JSON.stringify({ ...good, time: 'yesterday' }), 'time'],
    [JSON.stringify({ ...good, type: 'org.other.thing' }), 'not a BSS event type'],
    [JSON.stringify({ ...good, type: 'com.droid.bss.customer.exploded.v1' }), 'unknown event type'],
    [JSON.stringify({ ...good, data: { ...(good['data'] as object), email: 42 } }), 'data does not match'],
    [JSON.stringify({ ...good, data: { ...(good['data'] as object), extra: 1 } }), 'data does not match'],
    [JSON.stringify({ ...good, partitionkey: 'someone-else' }), 'partitionkey'],
    [JSON.stringify({ ...good, traceparent: 'zz' }), 'traceparent'],
  ];
  for (const [value, reason] of cases) {
    const decoded = codec.decode({ value });
    assert.equal(decoded.ok, false, value);
    if (!decoded.ok) assert.match(decoded.reason, new RegExp(reason), value);
  }
});
