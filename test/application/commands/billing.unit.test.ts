// The bill run through the application layer, on the composed service (embedded PGlite). Every
// expected amount is computed here from the catalog's prices and the domain README's rules
// (pro-rating by active UTC days, usage rated per record and rounded once, half up).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainRejection, catalog, type invoice } from '../../../src/domain/index.ts';
import { billingCommands, invoiceIdFor } from '../../../src/application/commands/billing.ts';
import { getRow } from '../../../src/application/queries/read-model-queries.ts';
import { clockedApp, type ClockedApp } from '../../support/clocked-app.ts';
import { balanceOf, eventCount, givenCustomer, givenSubscription, givenUsage } from '../../support/billing-fixtures.ts';

const MARCH = { from: '2025-03-01', to: '2025-04-01' };
/** Half up, as the domain rounds: exact for these small positive integers. */
const prorate = (monthly: number, days: number, periodDays: number) => Math.round((monthly * days) / periodDays);

// Basic v1 (valid until 2025-07-01): EUR 9.99/month, 0.09/min voice, 0.09/SMS, 0.02/MB.
const BASIC = { monthly: 999, voicePerMinute: 9, sms: 9, dataPerMb: 2 };
const voice = (seconds: number) => Math.round((BASIC.voicePerMinute * seconds) / 60);
const data = (kb: number) => Math.round((BASIC.dataPerMb * kb) / 1024);

describe('bill run', () => {
  let bss: ClockedApp;
  // Activated 2025-03-10 15:00 UTC: 10..31 March = 22 active days of 31.
  const midMonth = prorate(BASIC.monthly, 22, 31);
  const usageAmounts = { voice: voice(125) + voice(30), sms: 3 * BASIC.sms, data: data(3000) };
  const expectedTotal = midMonth + usageAmounts.voice + usageAmounts.sms + usageAmounts.data;

  before(async () => {
    bss = await clockedApp('2025-04-01T02:00:00Z');
    const { app } = bss;
    await givenCustomer(app, 'cus_mid', '2025-02-01T09:00:00Z');
    await givenSubscription(app, {
      customerId: 'cus_mid',
      subscriptionId: 'sub_mid',
      planId: 'basic',
      at: '2025-03-10T15:00:00Z',
    });
    const cdr = { subscriptionId: 'sub_mid', at: '2025-04-01T00:30:00Z' };
    await givenUsage(app, {
      ...cdr,
      recordId: 'r1',
      usageType: 'voice',
      quantity: 125,
      startedAt: '2025-03-12T10:00:00Z',
    });
    // The last second of March belongs to March; the first of April does not.
    await givenUsage(app, {
      ...cdr,
      recordId: 'r2',
      usageType: 'voice',
      quantity: 30,
      startedAt: '2025-03-31T23:59:59Z',
    });
    await givenUsage(app, {
      ...cdr,
      recordId: 'r3',
      usageType: 'voice',
      quantity: 60,
      startedAt: '2025-04-01T00:00:00Z',
    });
    await givenUsage(app, { ...cdr, recordId: 'r4', usageType: 'sms', quantity: 3, startedAt: '2025-03-15T08:00:00Z' });
    await givenUsage(app, {
      ...cdr,
      recordId: 'r5',
      usageType: 'data',
      quantity: 3000,
      startedAt: '2025-03-20T08:00:00Z',
    });
    // Started before activation: recorded as usage.rejected, never billed.
    const early = { ...cdr, recordId: 'r6', usageType: 'sms' as const, quantity: 1, startedAt: '2025-03-09T08:00:00Z' };
    assert.equal(await givenUsage(app, early), 'usage.rejected');

    await givenCustomer(app, 'cus_full', '2025-01-01T09:00:00Z');
    await givenSubscription(app, {
      customerId: 'cus_full',
      subscriptionId: 'sub_full',
      planId: 'business-data',
      at: '2025-02-20T00:00:00Z',
    });
    // Activated after March: not part of this run.
    await givenCustomer(app, 'cus_april', '2025-01-01T09:00:00Z');
    await givenSubscription(app, {
      customerId: 'cus_april',
      subscriptionId: 'sub_april',
      planId: 'basic',
      at: '2025-04-01T00:10:00Z',
    });
  });
  after(() => bss.close());

  test('issues exactly the invoice the rules give: pro-rated fee plus usage of the period', async () => {
    const summary = await bss.app.billing.run({ period: MARCH });
    assert.equal(summary.customers, 2);
    assert.equal(summary.invoices, 2);
    assert.equal(summary.skipped, 0);
    assert.deepEqual(summary.failures, []);
    assert.deepEqual(summary.totals, [{ amount: expectedTotal + 3900, currency: 'EUR' }]);
    assert.equal(summary.issuedAt, '2025-04-01T02:00:00Z');
    assert.equal(summary.dueAt, '2025-04-15T02:00:00.000Z');
    assert.equal(summary.resumeAfter, null);

    const row = await getRow<invoice.Invoice>(bss.app.db, 'invoice', invoiceIdFor('cus_mid', MARCH.from));
    assert.ok(row);
    const inv = row.state;
    assert.equal(inv.invoiceId, 'inv_cus_mid_2025-03-01');
    assert.deepEqual(inv.total, { amount: expectedTotal, currency: 'EUR' });
    assert.equal(inv.status, 'ISSUED');
    const amounts = inv.lines.map((line) =>
      line.kind === 'recurring'
        ? ['recurring', line.activeDays, line.periodDays, line.amount.amount]
        : [line.usageType, line.records, line.quantity, line.amount.amount],
    );
    assert.deepEqual(amounts, [
      ['recurring', 22, 31, midMonth],
      ['voice', 2, 155, usageAmounts.voice],
      ['sms', 1, 3, usageAmounts.sms],
      ['data', 1, 3000, usageAmounts.data],
    ]);

    const full = await getRow<invoice.Invoice>(bss.app.db, 'invoice', invoiceIdFor('cus_full', MARCH.from));
    assert.deepEqual(full?.state.total, { amount: 3900, currency: 'EUR' });
    assert.equal(await getRow(bss.app.db, 'invoice', invoiceIdFor('cus_april', MARCH.from)), undefined);

    const balance = await balanceOf(bss.app, 'cus_mid');
    assert.equal(balance?.invoiced, expectedTotal);
    assert.equal(balance?.balance, expectedTotal);
  });

  test('re-running the period issues nothing new and reports the customers as skipped', async () => {
    const events = await eventCount(bss.app);
    bss.clock.set('2025-04-02T02:00:00Z');
    const summary = await bss.app.billing.run({ period: MARCH, dueInDays: 30 });
    assert.equal(summary.invoices, 0);
    assert.equal(summary.skipped, 2);
    assert.deepEqual(summary.totals, []);
    assert.equal(await eventCount(bss.app), events);
    assert.equal((await balanceOf(bss.app, 'cus_mid'))?.invoiced, expectedTotal);
  });

  test('a bounded call answers resumeAfter; continuing from it covers the remaining customers', async () => {
    const first = await bss.app.billing.run({ period: MARCH, maxCustomers: 1 });
    assert.equal(first.customers, 1);
    assert.equal(first.resumeAfter, 'cus_full');
    const second = await bss.app.billing.run({ period: MARCH, maxCustomers: 1, resumeAfter: 'cus_full' });
    assert.equal(second.customers, 1);
    assert.equal(second.skipped, 1);
    // The page showed nobody after cus_mid: the run is complete without another call.
    assert.equal(second.resumeAfter, null);
  });

  test('a customer the domain cannot bill is listed in failures; the others are billed', async () => {
    // A catalog without "basic": cus_mid and cus_april cannot be priced, cus_full can.
    const partial = catalog.seedPlans.filter((plan) => plan.planId !== 'basic');
    const { bus, db } = bss.app;
    const billing = billingCommands(bus, db, () => '2025-05-01T02:00:00Z', partial);
    const summary = await billing.run({ period: { from: '2025-04-01', to: '2025-05-01' } });
    assert.equal(summary.invoices, 1);
    assert.deepEqual(
      summary.failures.map((f) => [f.customerId, f.code]),
      [
        ['cus_april', 'UNKNOWN_PLAN'],
        ['cus_mid', 'UNKNOWN_PLAN'],
      ],
    );
    assert.deepEqual(summary.totals, [{ amount: 3900, currency: 'EUR' }]);
  });

  test('rejects a period that has not ended, is not one month, or a bad due date', async () => {
    bss.clock.set('2025-03-31T23:59:59Z');
    await assertRejects(bss.app.billing.run({ period: MARCH }), 'PERIOD_NOT_ENDED', 'conflict');
    bss.clock.set('2025-04-05T00:00:00Z');
    await assertRejects(
      bss.app.billing.run({ period: { from: '2025-03-01', to: '2025-03-31' } }),
      'INVALID_PERIOD',
      'invalid',
    );
    await assertRejects(
      bss.app.billing.run({ period: { from: '2025-03-29', to: '2025-04-29' } }),
      'INVALID_PERIOD',
      'invalid',
    );
    await assertRejects(bss.app.billing.run({ period: MARCH, dueInDays: -1 }), 'INVALID_DUE_DATE', 'invalid');
  });
});

async function assertRejects(promise: Promise<unknown>, code: string, kind: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof DomainRejection, String(error));
    assert.equal(error.code, code);
    assert.equal(error.kind, kind);
    return true;
  });
}
