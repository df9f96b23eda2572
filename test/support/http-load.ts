// Business load through the HTTP API of a running service (BSS_TEST_CLOCK set): concurrent journeys of
// customer → order (place, approve, complete) → usage batch → payments (captured, failed, and a refused
// capture of the failed one) → reads, then one bill run over the period, so that every business
// metric, error and latency series has samples.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { customerBody } from './customers.ts';

export interface Period {
  readonly from: Date;
  readonly to: Date;
}

/** Month M-2, always fully in the past, at UTC midnight: the test clock starts inside it. */
export function periodTwoMonthsAgo(): Period {
  const now = new Date();
  return {
    from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1)),
    to: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)),
  };
}

export interface LoadReport {
  journeys: number;
  failedPayments: number;
  refused: number;
  invoices: number;
}

export type Send = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: unknown }>;

export function httpClient(baseUrl: string, apiKey: string): Send {
  return async (method, path, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'x-api-key': apiKey, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
  };
}

async function expect(send: Send, status: number, method: string, path: string, body?: unknown) {
  const sent = await send(method, path, body);
  assert.equal(sent.status, status, `${method} ${path}: ${JSON.stringify(sent.body)}`);
  return sent.body as Record<string, unknown>;
}

async function journey(send: Send, n: number, report: LoadReport): Promise<void> {
  const customerId = `cus_${randomUUID()}`;
  await expect(send, 201, 'POST', '/api/v1/customers', customerBody(customerId));
  const order = await expect(send, 201, 'POST', '/api/v1/orders', { customerId, items: [{ planId: 'basic' }] });
  const orderId = String(order['orderId']);
  await expect(send, 200, 'POST', `/api/v1/orders/${orderId}/approve`, {});
  const completed = await expect(send, 200, 'POST', `/api/v1/orders/${orderId}/complete`, {});
  const subscriptionId = (completed['subscriptionIds'] as string[])[0] as string;
  const subscription = await expect(send, 200, 'GET', `/api/v1/subscriptions/${subscriptionId}`);
  const startedAt = new Date(Date.parse(String(subscription['activatedAt'])) + 1).toISOString();
  const usageTypes = [
    ['voice', 60],
    ['sms', 1],
    ['data', 512],
  ] as const;
  const records = Array.from({ length: 30 }, (_, i) => ({
    recordId: `${customerId}-u${i}`,
    subscriptionId,
    usageType: usageTypes[i % 3]?.[0],
    quantity: usageTypes[i % 3]?.[1],
    startedAt,
  }));
  await expect(send, 202, 'POST', '/api/v1/usage', { records });

  const pay = async () =>
    String(
      (
        await expect(send, 201, 'POST', '/api/v1/payments', {
          customerId,
          amount: { amount: 1000, currency: 'EUR' },
          method: 'card',
        })
      )['paymentId'],
    );
  await expect(send, 200, 'POST', `/api/v1/payments/${await pay()}/capture`, {});
  if (n % 3 === 0) {
    const failed = await pay();
    await expect(send, 200, 'POST', `/api/v1/payments/${failed}/fail`, { reason: 'card declined' });
    report.failedPayments += 1;
    // a refused command: the domain says no, the payment use case records an error
    const again = await send('POST', `/api/v1/payments/${failed}/capture`, {});
    assert.ok(again.status >= 400 && again.status < 500, `capture of a failed payment: ${again.status}`);
    report.refused += 1;
  }

  for (const path of [
    `/api/v1/customers/${customerId}`,
    `/api/v1/customers/${customerId}`, // the second read is a cache hit
    `/api/v1/customers/${customerId}/balance`,
    `/api/v1/orders/${orderId}`,
    `/api/v1/subscriptions/${subscriptionId}`,
    '/api/v1/customers?limit=20',
  ])
    await expect(send, 200, 'GET', path);
  report.journeys += 1;
}

/** `workers` journeys at a time until `durationMs` has passed, then one bill run over the period. */
export async function runLoad(send: Send, period: Period, workers: number, durationMs: number): Promise<LoadReport> {
  const report: LoadReport = { journeys: 0, failedPayments: 0, refused: 0, invoices: 0 };
  const deadline = Date.now() + durationMs;
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < deadline) await journey(send, next++, report);
    }),
  );
  const day = 86_400_000;
  await expect(send, 200, 'PUT', '/api/v1/test-clock', { now: new Date(period.to.getTime() + day).toISOString() });
  const run = await expect(send, 201, 'POST', '/api/v1/billing/runs', {
    period: { from: period.from.toISOString().slice(0, 10), to: period.to.toISOString().slice(0, 10) },
  });
  report.invoices = Number(run['invoices']);
  return report;
}
