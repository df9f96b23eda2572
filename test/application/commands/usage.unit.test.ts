// Usage batches at the application layer: outcomes per record, chunked transactions, duplicates
// inside a batch and across chunks, the batch limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { catalog } from '../../../src/domain/index.ts';
import { BssError } from '../../../src/errors.ts';
import { MAX_USAGE_BATCH, USAGE_CHUNK, type UsageRecordInput } from '../../../src/application/commands/usage.ts';
import type { Application } from '../../../src/application/services.ts';
import { composedAppPerFile } from '../../support/composed-app.ts';
import { customerWithSubscription } from '../../support/customers.ts';
import { eventCounts } from '../../support/journeys.ts';

let app: Application;
let subscriptionId: string;

const bss = composedAppPerFile(
  {},
  {
    setUp: async () => {
      app = bss.services.application;
      ({ subscriptionId } = await customerWithSubscription(app));
    },
  },
);

/** Round half up of n / d for non-negative integers: the domain's rule, restated independently. */
const halfUp = (n: number, d: number) => Math.floor((2 * n + d) / (2 * d));

const sms = (recordId: string, quantity = 1): UsageRecordInput => ({
  recordId,
  subscriptionId,
  usageType: 'sms',
  quantity,
  startedAt: new Date().toISOString(),
});

test('voice is rated per second and rounded half up once per record', async () => {
  const startedAt = new Date().toISOString();
  const plan = catalog.findPlan(catalog.seedPlans, 'basic')!;
  const perMinute = catalog.planVersionAt(plan, startedAt)!.tariffs.voicePerMinute.amount;
  const seconds = [3, 61, 3600];
  const result = await app.usage.ingest(
    seconds.map((quantity, i) => ({
      recordId: `voice-${i}-${randomUUID()}`,
      subscriptionId,
      usageType: 'voice',
      quantity,
      startedAt,
    })),
  );
  assert.deepEqual(
    result.results.map((r) => r.amount?.amount),
    seconds.map((s) => halfUp(perMinute * s, 60)),
  );
  assert.equal(result.accepted, 3);
});

test('a batch larger than one chunk commits every chunk; repeats across chunks are duplicates', async () => {
  const run = randomUUID();
  const records = Array.from({ length: USAGE_CHUNK + 500 }, (_, i) => sms(`${run}-${i}`));
  records[USAGE_CHUNK + 10] = sms(`${run}-3`); // same id as record 3, in the second chunk
  records[USAGE_CHUNK + 20] = sms(`${run}-4`); // record 4 is invalid (below), so this one is decided afresh
  records[4] = sms(`${run}-4`, 0);
  const before = await eventCounts(bss.services.db);

  const result = await app.usage.ingest(records);

  assert.equal(result.results.length, records.length);
  assert.equal(result.duplicates, 1);
  assert.equal(result.invalid, 1);
  assert.equal(result.accepted, records.length - 2);
  assert.deepEqual(result.results[USAGE_CHUNK + 10], { recordId: `${run}-3`, status: 'DUPLICATE' });
  assert.equal(result.results[4]?.reason?.code, 'INVALID_QUANTITY');
  assert.equal(result.results[4]?.reason?.field, 'quantity');
  assert.equal(result.results[USAGE_CHUNK + 20]?.status, 'RATED');
  const after = await eventCounts(bss.services.db);
  assert.equal((after['usage.rated'] ?? 0) - (before['usage.rated'] ?? 0), records.length - 2);
});

test('sending the same batch again changes nothing: every record is a duplicate', async () => {
  const records = [sms(`again-${randomUUID()}`), sms(`again-${randomUUID()}`)];
  await app.usage.ingest(records);
  const before = await eventCounts(bss.services.db);
  const again = await app.usage.ingest(records);
  assert.equal(again.duplicates, 2);
  assert.deepEqual(await eventCounts(bss.services.db), before);
});

test(`more than ${MAX_USAGE_BATCH} records is refused as a whole (413) naming the limit`, async () => {
  const records = Array.from({ length: MAX_USAGE_BATCH + 1 }, (_, i) => sms(`big-${i}`));
  await assert.rejects(
    app.usage.ingest(records),
    (error) =>
      error instanceof BssError &&
      error.status === 413 &&
      error.code === 'USAGE_BATCH_TOO_LARGE' &&
      error.message.includes(String(MAX_USAGE_BATCH)),
  );
});
