// The end-to-end journey, driven only through the HTTP API of the real service process:
// customer → order (place, approve, complete) → usage batch → bill run → payment → partial refund.
// The invoice total and the balance are checked against figures this test computes on its own from
// the catalog, and the whole journey is sent again with the same Idempotency-Keys: nothing changes.
// Runs embedded (PGlite) and distributed (PostgreSQL + Kafka).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type ServiceProcess } from '../support/service-process.ts';
import { requireEnv, uniqueName } from '../support/env.ts';
import { deleteTopicsWithPrefix } from '../support/kafka-topics.ts';
import { createPostgresDb } from '../../src/store/postgres-db.ts';
import { customerBody } from '../support/customers.ts';

const ADMIN_KEY = 'e2e-admin-key-0123456789abcdefghij';
const DAY = 86_400_000;

/** Month M-2 relative to today (always fully in the past), at UTC midnight. */
function periodTwoMonthsAgo(): { from: Date; to: Date; days: number } {
  const now = new Date();
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1));
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return { from, to, days: Math.round((to.getTime() - from.getTime()) / DAY) };
}

const iso = (date: Date) => date.toISOString();
const dateOnly = (date: Date) => iso(date).slice(0, 10);
/** The domain's one rounding rule: exact, then half up (amounts here are positive). */
const mulDivHalfUp = (a: number, b: number, c: number) =>
  Number((2n * BigInt(a) * BigInt(b) + BigInt(c)) / (2n * BigInt(c)));

interface Sent {
  status: number;
  body: unknown;
}

function http(service: ServiceProcess) {
  return async (method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<Sent> => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: {
        'x-api-key': ADMIN_KEY,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  };
}

/** Sum of bss_events_total over all labels, from the service's /metrics. */
async function eventsAppended(service: ServiceProcess): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('bss_events_total{'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function journey(service: ServiceProcess, run: string) {
  const send = http(service);
  const { from, to, days } = periodTwoMonthsAgo();
  const activation = new Date(from.getTime() + 9 * DAY + 9 * 3_600_000); // the 10th, 09:00 UTC
  const customerId = `cus_${run}`;
  const steps: Array<[string, string, unknown, number]> = []; // method, path, body, expected status
  const results: Sent[] = [];
  const step = async (method: string, path: string, body: unknown, expected: number) => {
    const sent = await send(method, path, body, `${run}-${results.length}`);
    assert.equal(sent.status, expected, `${method} ${path}: ${JSON.stringify(sent.body)}`);
    steps.push([method, path, body, expected]);
    results.push(sent);
    return sent.body as Record<string, unknown>;
  };

  // The plan, as the catalog tells it: the version in force at activation.
  const plans = (await send('GET', '/api/v1/catalog/plans')).body as { items: Array<Record<string, unknown>> };
  const basic = plans.items.find((p) => p['planId'] === 'basic') as { versions: Array<Record<string, unknown>> };
  const version = basic.versions.find(
    (v) =>
      Date.parse(String(v['validFrom'])) <= activation.getTime() &&
      (v['validTo'] === null || Date.parse(String(v['validTo'])) > activation.getTime()),
  ) as { monthlyPrice: { amount: number }; tariffs: Record<string, { amount: number }> };

  await step('PUT', '/api/v1/test-clock', { now: iso(activation) }, 200);
  await step('POST', '/api/v1/customers', customerBody(customerId), 201);
  const order = await step('POST', '/api/v1/orders', { customerId, items: [{ planId: 'basic' }] }, 201);
  await step('POST', `/api/v1/orders/${String(order['orderId'])}/approve`, {}, 200);
  const completed = await step('POST', `/api/v1/orders/${String(order['orderId'])}/complete`, {}, 200);
  const subscriptionId = (completed['subscriptionIds'] as string[])[0] as string;

  // Usage on the 15th, ingested on the 20th.
  await step('PUT', '/api/v1/test-clock', { now: iso(new Date(from.getTime() + 19 * DAY)) }, 200);
  const startedAt = (hour: number) => iso(new Date(from.getTime() + 14 * DAY + hour * 3_600_000));
  const records = [
    { recordId: `${run}-v1`, subscriptionId, usageType: 'voice', quantity: 125, startedAt: startedAt(8) },
    { recordId: `${run}-v2`, subscriptionId, usageType: 'voice', quantity: 31, startedAt: startedAt(9) },
    { recordId: `${run}-s1`, subscriptionId, usageType: 'sms', quantity: 3, startedAt: startedAt(10) },
    { recordId: `${run}-d1`, subscriptionId, usageType: 'data', quantity: 3000, startedAt: startedAt(11) },
  ];
  const usage = await step('POST', '/api/v1/usage', { records }, 202);
  assert.equal(usage['accepted'], 4);

  // The invoice this test expects: pro-rated fee (a UTC day counts when active at any moment of it)
  // plus each record rated and rounded once.
  const activeDays = days - 9;
  const fee = mulDivHalfUp(version.monthlyPrice.amount, activeDays, days);
  const voice = (s: number) => mulDivHalfUp(version.tariffs['voicePerMinute']?.amount ?? NaN, s, 60);
  const usageTotal =
    voice(125) +
    voice(31) +
    3 * (version.tariffs['smsPerMessage']?.amount ?? NaN) +
    mulDivHalfUp(version.tariffs['dataPerMb']?.amount ?? NaN, 3000, 1024);
  const expectedTotal = fee + usageTotal;

  await step('PUT', '/api/v1/test-clock', { now: iso(new Date(to.getTime() + DAY)) }, 200);
  const billRun = await step(
    'POST',
    '/api/v1/billing/runs',
    { period: { from: dateOnly(from), to: dateOnly(to) } },
    201,
  );
  assert.equal(billRun['invoices'], 1);
  const invoices = (await send('GET', `/api/v1/invoices?customerId=${customerId}`)).body as {
    items: Array<Record<string, unknown>>;
  };
  assert.equal(invoices.items.length, 1);
  const invoice = invoices.items[0] as {
    invoiceId: string;
    total: { amount: number; currency: string };
    status: string;
  };
  assert.deepEqual(invoice.total, { amount: expectedTotal, currency: 'EUR' });

  // Pay more than owed, capture (applied to the invoice, the rest is credit), refund part of it.
  const paid = expectedTotal + 500;
  const payment = await step(
    'POST',
    '/api/v1/payments',
    { customerId, amount: { amount: paid, currency: 'EUR' }, method: 'card' },
    201,
  );
  await step('POST', `/api/v1/payments/${String(payment['paymentId'])}/capture`, {}, 200);
  await step(
    'POST',
    `/api/v1/payments/${String(payment['paymentId'])}/refund`,
    { amount: { amount: 300, currency: 'EUR' } },
    200,
  );

  const paidInvoice = (await send('GET', `/api/v1/invoices/${invoice.invoiceId}`)).body as { status: string };
  assert.equal(paidInvoice.status, 'PAID');
  const balance = (await send('GET', `/api/v1/customers/${customerId}/balance`)).body as Record<string, unknown>;
  // balance = invoiced − paid + refunded: the customer is 200 in credit. Every amount is Money.
  const eur = (amount: number) => ({ amount, currency: 'EUR' });
  assert.deepEqual(balance, {
    customerId,
    currency: 'EUR',
    invoiced: eur(expectedTotal),
    paid: eur(paid),
    refunded: eur(300),
    credit: eur(200),
    balance: eur(expectedTotal - paid + 300),
  });
  assert.deepEqual(balance['balance'], eur(-200));

  // The same requests again with the same Idempotency-Keys: same answers, no new events.
  const before = await eventsAppended(service);
  assert.ok(before > 0);
  for (const [index, [method, path, body]] of steps.entries()) {
    if (path === '/api/v1/test-clock') continue; // PUT: not an idempotent-key route, and the clock only moves forward
    const again = await send(method, path, body, `${run}-${index}`);
    assert.equal(again.status, results[index]?.status, `${method} ${path} replayed`);
    assert.deepEqual(again.body, results[index]?.body, `${method} ${path} replayed body`);
  }
  assert.equal(await eventsAppended(service), before, 'no new events');
  const balanceAgain = (await send('GET', `/api/v1/customers/${customerId}/balance`)).body;
  assert.deepEqual(balanceAgain, balance);
}

describe('billing journey through the HTTP API', () => {
  test('embedded: PGlite with the database log', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'bss-journey-'));
    const { from } = periodTwoMonthsAgo();
    const service = await startService({
      BSS_DATA_DIR: dataDir,
      BSS_ADMIN_API_KEY: ADMIN_KEY,
      BSS_TEST_CLOCK: iso(from),
    });
    try {
      await journey(service, uniqueName('pglite'));
    } finally {
      assert.equal(await service.stop(), 0);
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('distributed: PostgreSQL with Kafka through the outbox', async () => {
    const { from } = periodTwoMonthsAgo();
    const schema = uniqueName('journey');
    const brokers = requireEnv('BSS_KAFKA_BROKERS');
    const prefix = `${schema.replaceAll('_', '-')}.`;
    // A hook, not the finally below: it runs once the service stopped, even when it failed to start,
    // and its failure is reported beside the journey's instead of replacing it.
    after(() => deleteTopicsWithPrefix(brokers, prefix));
    const service = await startService({
      BSS_DATABASE_URL: requireEnv('BSS_DATABASE_URL'),
      BSS_DATABASE_SCHEMA: schema,
      BSS_KAFKA_BROKERS: brokers,
      BSS_TOPIC_PREFIX: prefix,
      BSS_ADMIN_API_KEY: ADMIN_KEY,
      BSS_TEST_CLOCK: iso(from),
    });
    try {
      await journey(service, schema);
    } finally {
      assert.equal(await service.stop(), 0);
      const db = await createPostgresDb({ url: requireEnv('BSS_DATABASE_URL') });
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.close();
    }
  });
});
