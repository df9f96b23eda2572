// A CDR on the feed is one record of POST /usage's body, validated with the same schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cdrRecord, parseCdr } from '../../src/mediation/cdr.ts';

const good = {
  recordId: 'cdr-1',
  subscriptionId: 'sub_1',
  usageType: 'voice',
  quantity: 60,
  startedAt: '2026-11-24T10:00:00.000Z',
};

test('a well-formed CDR parses to the usage record, as the API would take it', () => {
  assert.deepEqual(parseCdr(JSON.stringify(good)), { ok: true, cdr: good });
});

test('a CDR record is keyed by its subscription, so its CDRs stay ordered in one partition', () => {
  const record = cdrRecord({ ...good, usageType: 'voice' });
  assert.equal(record.key, 'sub_1');
  assert.deepEqual(JSON.parse(record.value), good);
});

const refused: Array<[string, string, { code: string; field?: string; message?: RegExp }]> = [
  ['{not json', 'not JSON', { code: 'MALFORMED_CDR', message: /not JSON/ }],
  ['[1,2]', 'an array', { code: 'INVALID_CDR', field: '/' }],
  ['"text"', 'a string', { code: 'INVALID_CDR', field: '/' }],
  [JSON.stringify({ ...good, quantity: 0 }), 'quantity 0', { code: 'INVALID_CDR', field: '/quantity' }],
  [JSON.stringify({ ...good, quantity: 1.5 }), 'fractional quantity', { code: 'INVALID_CDR', field: '/quantity' }],
  [
    JSON.stringify({ ...good, quantity: '60' }),
    'quantity as text (no coercion)',
    { code: 'INVALID_CDR', field: '/quantity' },
  ],
  [JSON.stringify({ ...good, usageType: 'mms' }), 'unknown usage type', { code: 'INVALID_CDR', field: '/usageType' }],
  [JSON.stringify({ ...good, startedAt: 'yesterday' }), 'bad time', { code: 'INVALID_CDR', field: '/startedAt' }],
  [JSON.stringify({ ...good, recordId: 'has space' }), 'bad recordId', { code: 'INVALID_CDR', field: '/recordId' }],
  [JSON.stringify({ ...good, recordId: undefined }), 'missing recordId', { code: 'INVALID_CDR', field: '/recordId' }],
  [
    JSON.stringify({ ...good, price: 5 }),
    'unknown field',
    { code: 'INVALID_CDR', field: '/price', message: /unknown field/ },
  ],
];
for (const [value, what, expected] of refused) {
  test(`refused: ${what} → ${expected.code} ${expected.field ?? ''}`, () => {
    const parsed = parseCdr(value);
    assert.equal(parsed.ok, false);
    if (parsed.ok) return;
    assert.equal(parsed.refusal.code, expected.code);
    if (expected.field !== undefined) assert.equal(parsed.refusal.field, expected.field);
    assert.ok(parsed.refusal.message.length > 0);
    if (expected.message) assert.match(parsed.refusal.message, expected.message);
  });
}
