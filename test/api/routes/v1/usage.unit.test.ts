import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { catalog } from '../../../../src/domain/index.ts';
import { BODY_LIMIT_BYTES } from '../../../../src/api/app.ts';
import { MAX_USAGE_BATCH } from '../../../../src/application/commands/usage.ts';
import { composedAppPerFile } from '../../../support/composed-app.ts';
import { activeSubscription, client, eventCounts, type Client } from '../../../support/journeys.ts';

let send: Client;
let active: { customerId: string; subscriptionId: string };
let suspended: { customerId: string; subscriptionId: string };

const bss = composedAppPerFile(
  {},
  {
    setUp: async () => {
      send = client(bss);
      active = await activeSubscription(send, 'basic');
      suspended = await activeSubscription(send, 'business-data');
      const suspend = await send({
        method: 'POST',
        url: `/api/v1/subscriptions/${suspended.subscriptionId}/suspend`,
        payload: { reason: 'unpaid' },
      });
      assert.equal(suspend.statusCode, 200, suspend.body);
    },
  },
);

/** Round half up of n / d for non-negative integers: the domain's rule, restated independently. */
const halfUp = (n: number, d: number) => Math.floor((2 * n + d) / (2 * d));

function tariffsAt(planId: string, at: string) {
  const version = catalog.planVersionAt(catalog.findPlan(catalog.seedPlans, planId)!, at);
  assert.ok(version, `${planId} has a version at ${at}`);
  return version.tariffs;
}

const ingest = (records: readonly object[]) => send({ method: 'POST', url: '/api/v1/usage', payload: { records } });

test('a mixed batch: rated with the tariff, rejected on a suspended subscription, duplicate, invalid', async () => {
  const startedAt = new Date().toISOString(); // after both activations and the suspension
  const run = randomUUID();
  const records = [
    { recordId: `${run}-voice`, subscriptionId: active.subscriptionId, usageType: 'voice', quantity: 95, startedAt },
    { recordId: `${run}-data`, subscriptionId: active.subscriptionId, usageType: 'data', quantity: 1536, startedAt },
    { recordId: `${run}-sms`, subscriptionId: active.subscriptionId, usageType: 'sms', quantity: 3, startedAt },
    { recordId: `${run}-off`, subscriptionId: suspended.subscriptionId, usageType: 'voice', quantity: 60, startedAt },
    { recordId: `${run}-voice`, subscriptionId: active.subscriptionId, usageType: 'voice', quantity: 95, startedAt },
    { recordId: `${run}-ghost`, subscriptionId: 'sub_nobody', usageType: 'sms', quantity: 1, startedAt },
    {
      recordId: `${run}-future`,
      subscriptionId: active.subscriptionId,
      usageType: 'sms',
      quantity: 1,
      startedAt: new Date(Date.now() + 3_600_000).toISOString(),
    },
  ];
  const before = await eventCounts(bss.services.db);

  const response = await ingest(records);

  assert.equal(response.statusCode, 202, response.body);
  const tariffs = tariffsAt('basic', startedAt);
  const body = response.json();
  assert.deepEqual(
    { accepted: body.accepted, rejected: body.rejected, invalid: body.invalid, duplicates: body.duplicates },
    { accepted: 3, rejected: 1, invalid: 2, duplicates: 1 },
  );
  assert.deepEqual(body.results, [
    {
      recordId: `${run}-voice`,
      status: 'RATED',
      amount: { amount: halfUp(tariffs.voicePerMinute.amount * 95, 60), currency: 'EUR' },
    },
    {
      recordId: `${run}-data`,
      status: 'RATED',
      amount: { amount: halfUp(tariffs.dataPerMb.amount * 1536, 1024), currency: 'EUR' },
    },
    { recordId: `${run}-sms`, status: 'RATED', amount: { amount: tariffs.smsPerMessage.amount * 3, currency: 'EUR' } },
    {
      recordId: `${run}-off`,
      status: 'REJECTED',
      reason: { code: 'SUBSCRIPTION_NOT_ACTIVE', message: 'usage started while the subscription was suspended' },
    },
    { recordId: `${run}-voice`, status: 'DUPLICATE' },
    {
      recordId: `${run}-ghost`,
      status: 'INVALID',
      reason: {
        code: 'SUBSCRIPTION_NOT_FOUND',
        message: 'subscription sub_nobody does not exist',
        field: 'subscriptionId',
      },
    },
    {
      recordId: `${run}-future`,
      status: 'INVALID',
      reason: { code: 'USAGE_IN_FUTURE', message: 'startedAt is after the ingestion time', field: 'startedAt' },
    },
  ]);

  const after = await eventCounts(bss.services.db);
  assert.equal((after['usage.rated'] ?? 0) - (before['usage.rated'] ?? 0), 3);
  assert.equal((after['usage.rejected'] ?? 0) - (before['usage.rejected'] ?? 0), 1);

  // Sent again, everything recorded is a duplicate and nothing is appended.
  const again = (await ingest(records)).json();
  assert.deepEqual(
    { accepted: again.accepted, rejected: again.rejected, invalid: again.invalid, duplicates: again.duplicates },
    { accepted: 0, rejected: 0, invalid: 2, duplicates: 5 },
  );
  assert.deepEqual(await eventCounts(bss.services.db), after);
});

test('GET /usage lists recorded usage by subscription or customer and status', async () => {
  const startedAt = new Date().toISOString();
  const run = randomUUID();
  const posted = await ingest([
    { recordId: `${run}-a`, subscriptionId: active.subscriptionId, usageType: 'sms', quantity: 1, startedAt },
    { recordId: `${run}-b`, subscriptionId: suspended.subscriptionId, usageType: 'sms', quantity: 1, startedAt },
  ]);
  // One casing for a usage status in the API (issue 12, defect 7): what POST answers, GET shows and filters by.
  const outcomes = (posted.json().results as Array<{ status: string }>).map((r) => r.status);
  assert.deepEqual(outcomes, ['RATED', 'REJECTED']);
  for (const [i, status] of outcomes.entries()) {
    const filtered = await send({
      method: 'GET',
      url: `/api/v1/usage?customerId=${[active, suspended][i]!.customerId}&status=${status}`,
    });
    assert.equal(filtered.statusCode, 200, filtered.body);
    assert.ok(
      filtered
        .json()
        .items.some(
          (u: { recordId: string; status: string }) => u.recordId === `${run}-${'ab'[i]}` && u.status === status,
        ),
    );
  }

  const bySubscription = await send({
    method: 'GET',
    url: `/api/v1/usage?subscriptionId=${active.subscriptionId}&limit=200`,
  });
  assert.equal(bySubscription.statusCode, 200, bySubscription.body);
  const items = bySubscription.json().items as Array<{ recordId: string; status: string; subscriptionId: string }>;
  assert.ok(items.some((u) => u.recordId === `${run}-a` && u.status === 'RATED'));
  assert.ok(items.every((u) => u.subscriptionId === active.subscriptionId));
  const rated = items.find((u) => u.recordId === `${run}-a`) as unknown as Record<string, unknown>;
  assert.equal(rated['planId'], 'basic');
  assert.equal(rated['unit'], 'message');
  assert.equal(rated['tariffUnit'], 'message');

  const rejected = await send({
    method: 'GET',
    url: `/api/v1/usage?customerId=${suspended.customerId}&status=REJECTED`,
  });
  const rejectedItems = rejected.json().items as Array<{ recordId: string; reason: { code: string } }>;
  assert.ok(rejectedItems.some((u) => u.recordId === `${run}-b` && u.reason.code === 'SUBSCRIPTION_NOT_ACTIVE'));
  const none = await send({ method: 'GET', url: `/api/v1/usage?customerId=${suspended.customerId}&status=RATED` });
  assert.deepEqual(none.json().items, []);
});

test('quantities must be positive integers: negative, zero and fractions are 400 naming the field', async () => {
  const startedAt = new Date().toISOString();
  const before = await eventCounts(bss.services.db);
  const record = (quantity: number, i: number) => ({
    recordId: `q-${i}-${randomUUID()}`,
    subscriptionId: active.subscriptionId,
    usageType: 'data',
    quantity,
    startedAt,
  });
  const response = await ingest([record(10, 0), record(-5, 1), record(0, 2), record(1.5, 3)]);
  assert.equal(response.statusCode, 400, response.body);
  const fields = response.json().errors.map((e: { field: string }) => e.field);
  assert.deepEqual([...new Set(fields)].sort(), [
    '/body/records/1/quantity',
    '/body/records/2/quantity',
    '/body/records/3/quantity',
  ]);
  assert.deepEqual(await eventCounts(bss.services.db), before, 'a refused batch records nothing');
});

test('malformed records are 400: unknown usage type, timestamp without offset, unknown field', async () => {
  const base = { recordId: 'r-1', subscriptionId: active.subscriptionId, usageType: 'sms', quantity: 1 };
  const cases: Array<[object, string]> = [
    [{ ...base, usageType: 'mms', startedAt: new Date().toISOString() }, '/body/records/0/usageType'],
    [{ ...base, startedAt: '2025-03-01T10:00:00' }, '/body/records/0/startedAt'],
    [{ ...base, startedAt: new Date().toISOString(), cost: 3 }, '/body/records/0/cost'],
  ];
  for (const [record, field] of cases) {
    const response = await ingest([record]);
    assert.equal(response.statusCode, 400, JSON.stringify(record));
    assert.ok(
      response.json().errors.some((e: { field: string }) => e.field === field),
      `${field} in ${response.body}`,
    );
  }
  const empty = await ingest([]);
  assert.equal(empty.statusCode, 400);
});

test(`a batch of more than ${MAX_USAGE_BATCH} records is a 400 problem naming the limit`, async () => {
  const startedAt = new Date().toISOString();
  const records = Array.from({ length: MAX_USAGE_BATCH + 1 }, (_, i) => ({
    recordId: `big-${i}`,
    subscriptionId: active.subscriptionId,
    usageType: 'sms',
    quantity: 1,
    startedAt,
  }));
  const response = await ingest(records);
  assert.equal(response.statusCode, 400);
  const problem = response.json();
  assert.equal(problem.code, 'VALIDATION_FAILED');
  assert.deepEqual(problem.errors, [
    { field: '/body/records', message: `must NOT have more than ${MAX_USAGE_BATCH} items` },
  ]);
});

test(`a full batch of ${MAX_USAGE_BATCH} records with the longest ids fits the body limit and is rated`, async () => {
  const startedAt = new Date().toISOString();
  const prefix = randomUUID();
  const records = Array.from({ length: MAX_USAGE_BATCH }, (_, i) => ({
    recordId: `${prefix}-${String(i).padStart(63, '0')}`, // 100 characters, the longest allowed
    subscriptionId: active.subscriptionId,
    usageType: 'voice',
    quantity: 60 + (i % 600),
    startedAt,
  }));
  // Pretty-printed, as a verbose client might send it: still well inside the limit.
  const payload = JSON.stringify({ records }, null, 2);
  assert.ok(payload.length < BODY_LIMIT_BYTES / 2, `${payload.length} bytes`);
  const response = await send({
    method: 'POST',
    url: '/api/v1/usage',
    headers: { 'content-type': 'application/json' },
    payload,
  });
  assert.equal(response.statusCode, 202, response.body.slice(0, 500));
  const body = response.json();
  assert.equal(body.accepted, MAX_USAGE_BATCH);
  const perMinute = tariffsAt('basic', startedAt).voicePerMinute.amount;
  assert.equal(body.results[599].amount.amount, halfUp(perMinute * 659, 60));
});
